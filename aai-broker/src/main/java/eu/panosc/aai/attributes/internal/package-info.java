/** SATOSA's internal attribute map: external (SAML, OIDC) names to internal attributes and back. */
package eu.panosc.aai.attributes.internal;
