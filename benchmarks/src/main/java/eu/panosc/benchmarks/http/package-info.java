/**
 * HTTP benchmarks against running servers (not JMH): {@link eu.panosc.benchmarks.http.TokenLoad} drives an
 * OAuth 2.0 token endpoint with {@code client_credentials} grants and checks every answer.
 * {@code benchmarks/token-benchmark.sh} runs it against the aai-broker and against Keycloak in one run.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4 (client credentials)</a>
 */
package eu.panosc.benchmarks.http;
