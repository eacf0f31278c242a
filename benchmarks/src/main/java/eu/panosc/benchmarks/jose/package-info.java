/**
 * JOSE benchmarks: signing and verifying RFC 9068 access tokens with Nimbus JOSE+JWT.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068: JWT Profile for OAuth 2.0 Access Tokens</a>
 */
package eu.panosc.benchmarks.jose;
