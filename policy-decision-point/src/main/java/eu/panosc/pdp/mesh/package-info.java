/**
 * External authorization for gateways (issue 15, HTTP half): nginx {@code auth_request}, Traefik ForwardAuth and
 * Envoy's HTTP ext_authz ask the PDP about a facility service's request; route rules from the federation-registry
 * turn it into an AuthZEN evaluation. Only {@code ExtAuthzEndpoint} sees HTTP types.
 */
package eu.panosc.pdp.mesh;
