/**
 * Federation registry benchmarks at eduGAIN scale: the signed SAML aggregate (build time, peak heap), MDQ
 * lookups and cached OpenID Federation resolves, each with a named peer in the same run.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html">OpenID Federation 1.0</a>
 */
package eu.panosc.benchmarks.registry;
