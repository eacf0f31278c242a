package eu.panosc.pdp.mesh;

/**
 * What a gateway forwarded, as plain strings (no HTTP types): the original method and raw path (query removed),
 * the {@code service} parameter if any, the host the client asked for ({@code X-Forwarded-Host}, else
 * {@code Host}), the {@code Authorization} header value (null when absent) and the request id.
 */
public record ExtAuthzRequest(String method, String path, String service, String host, String authorization,
    String requestId) {}
