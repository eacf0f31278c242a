/**
 * SAML Response validation of the aai-broker ({@code eu.panosc.aai.saml.validate}) against raw OpenSAML in the same
 * run: a signed Response with 20 attributes, as UmbrellaID would post it.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1</a>
 */
package eu.panosc.benchmarks.saml;
