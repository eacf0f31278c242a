/**
 * HTTP benchmarks against running servers (not JMH): {@link eu.panosc.benchmarks.http.TokenLoad} drives an
 * OAuth 2.0 token endpoint (or an AuthZEN endpoint) and checks every answer; {@code Compare} joins its results.
 * {@code benchmarks/token-benchmark.sh} measures throughput and server CPU per grant with the native {@code wrk}
 * against the aai-broker and Keycloak in one run, and uses {@code TokenLoad} for latency at 80 % of saturation.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4 (client credentials)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8693">RFC 8693 (token exchange)</a>
 */
package eu.panosc.benchmarks.http;
