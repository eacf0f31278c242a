/**
 * Choosing an identity provider: the discovery page at {@code /aai/discovery} (and the sign-in page of
 * {@code /authorize}, which is the same page), the catalogs of upstreams the login connectors contribute, the client's
 * {@code allowedUpstreams} restriction, {@code idp_hint} and the remembered choice. No HTTP types below
 * {@link eu.panosc.aai.discovery.IdpDiscoveryEndpoint}.
 */
package eu.panosc.aai.discovery;
