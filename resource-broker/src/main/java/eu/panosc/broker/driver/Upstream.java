package eu.panosc.broker.driver;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the broker's proxy reaches a running session: host and port, and the {@code Authorization} value that
 * carries the session's access secret to it (the secret never travels in a URL). {@code toString} leaves the
 * secret out.
 */
public record Upstream(String host, int port, Optional<String> authorization) {
  public Upstream {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(authorization, "authorization");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /** An upstream that takes the access secret as a bearer token (the built-in page and Jupyter both do). */
  public static Upstream bearer(String host, int port, String secret) {
    return new Upstream(host, port, Optional.of("Bearer " + secret));
  }

  @Override
  public String toString() {
    return "Upstream[" + host + ":" + port + (authorization.isPresent() ? ", with secret" : "") + "]";
  }
}
