/**
 * The protocol-neutral attribute layer of the broker's upstream logins (UmbrellaID over SAML, eduTEAMS over
 * OIDC): {@link eu.panosc.aai.attributes.AttributeMapper} turns {@link eu.panosc.aai.attributes.UpstreamAttributes}
 * into a {@link eu.panosc.aai.attributes.MappedIdentity}. No OpenSAML and no HTTP types here.
 */
package eu.panosc.aai.attributes;
