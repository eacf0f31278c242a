package eu.panosc.keycloak.usage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The usage listener's server-wide settings ({@code --spi-events-listener--panosc-usage--<key>}), checked at start
 * with messages that name the key.
 */
public record UsageSettings(Path directory, long maxQueueBytes, URI accountingUrl, URI tokenEndpoint, String clientId,
    String clientSecret, String scope, String facility, String source, String federationIdAttribute,
    String identityProvider, Set<String> eventTypes, int batchSize, Duration shipInterval, Duration maxBackoff,
    Duration fsyncInterval) {

  /**
   * The default {@code fsync-interval-ms}: records are written (to the page cache) before Keycloak answers and forced
   * to disk every 100 ms. A crash or {@code kill -9} of Keycloak loses nothing; a power loss or OS crash can lose the
   * records of the last 100 ms. 0 forces each record before the answer, which on a slow disk costs the disk's flush
   * latency per token (docs/benchmarks.md).
   */
  public static final long DEFAULT_FSYNC_INTERVAL_MS = 100;

  /** Reads the settings through {@code get(key)} (null when unset). */
  public static UsageSettings read(Function<String, String> get, Path defaultDirectory) {
    String dir = get.apply("directory");
    URI accounting = uri(get, "accounting-url");
    URI tokenEndpoint = uri(get, "token-endpoint");
    String clientId = get.apply("client-id");
    String secret = get.apply("client-secret");
    if (accounting != null && (tokenEndpoint == null || blank(clientId) || blank(secret))) {
      throw new IllegalArgumentException("panosc-usage: accounting-url needs token-endpoint, client-id and "
          + "client-secret (a client with scope accounting:ingest)");
    }
    String types = or(get.apply("events"), String.join(",", UsageRecords.DEFAULT_TYPES));
    Set<String> eventTypes = Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    return new UsageSettings(dir == null || dir.isBlank() ? defaultDirectory : Path.of(dir),
        positive(get, "max-queue-mb", 64) * 1024L * 1024L, accounting, tokenEndpoint, clientId, secret,
        or(get.apply("scope"), "accounting:ingest"), blank(get.apply("facility")) ? null : get.apply("facility").trim(),
        or(get.apply("source"), "keycloak"), or(get.apply("federation-id-attribute"), "panosc_subject"),
        or(get.apply("identity-provider"), "panosc"), eventTypes, (int) positive(get, "batch-size", 500),
        Duration.ofMillis(positive(get, "ship-interval-ms", 1000)),
        Duration.ofMillis(positive(get, "max-backoff-ms", 60_000)),
        Duration.ofMillis(nonNegative(get, "fsync-interval-ms", DEFAULT_FSYNC_INTERVAL_MS)));
  }

  private static URI uri(Function<String, String> get, String key) {
    String v = get.apply(key);
    if (blank(v)) {
      return null;
    }
    try {
      URI u = new URI(v.trim());
      if (!u.isAbsolute() || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        throw new IllegalArgumentException("panosc-usage: " + key + " must be an absolute http(s) URL, not " + v);
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("panosc-usage: " + key + " is not a URL: " + e.getMessage());
    }
  }

  private static long positive(Function<String, String> get, String key, long dflt) {
    String v = get.apply(key);
    if (blank(v)) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("panosc-usage: " + key + " must be a positive integer, not " + v);
    }
  }

  private static long nonNegative(Function<String, String> get, String key, long dflt) {
    String v = get.apply(key);
    if (blank(v)) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0 || n > 10_000) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("panosc-usage: " + key + " must be an integer from 0 to 10000, not " + v);
    }
  }

  private static String or(String v, String dflt) {
    return blank(v) ? dflt : v.trim();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "UsageSettings[directory=" + directory + ", accountingUrl=" + accountingUrl + ", clientId=" + clientId
        + ", facility=" + facility + "]"; // never the secret
  }
}
