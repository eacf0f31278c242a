package eu.panosc.broker.access;

/**
 * What a request to a session would do: read (GET, HEAD, OPTIONS without a WebSocket upgrade) or interact (any other
 * method, or a WebSocket: kernels and desktop streams take input). Read-only sharees may only read.
 */
public enum Intent {
  READ, INTERACT;

  /** The intent of an HTTP method, with or without a WebSocket upgrade. */
  public static Intent of(String method, boolean webSocket) {
    if (webSocket) {
      return INTERACT;
    }
    return switch (method) {
      case "GET", "HEAD", "OPTIONS" -> READ;
      default -> INTERACT;
    };
  }
}
