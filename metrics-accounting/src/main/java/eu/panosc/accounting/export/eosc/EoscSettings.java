package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Metric;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.Secret;
import eu.panosc.platform.input.Input;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services.accounting.eosc} section: where and how usage is pushed to an EOSC Accounting Service, and
 * the ids that service gave our installations and metric definitions (also shown by the export endpoint when the
 * push is off). Disabled by default; when enabled, the URL, a token source, at least one installation and one
 * metric definition are required. Validated at start.
 *
 * @param enabled whether the push runs
 * @param url the service's base URL ({@code POST {url}/accounting-system/installations/{id}/metrics})
 * @param installations our {@code facility/installation} to the service's installation id
 * @param metricDefinitions our metric to the service's metric definition id (metrics without one are not pushed)
 * @param tokenEndpoint OAuth 2.0 token endpoint for the client credentials grant, or empty with {@code tokenFile}
 * @param clientId the client id at {@code tokenEndpoint}
 * @param clientSecret the client secret at {@code tokenEndpoint} (never logged)
 * @param scope scope to ask for at {@code tokenEndpoint}, if any
 * @param tokenFile a file holding a static bearer token, read before each push (so it may be rotated)
 * @param interval how often the push runs (retries come sooner, as their backoff says)
 * @param closeAfter a month is closed, and pushed, once its end lies this far in the past
 * @param since the first month pushed, if set (older months are never sent)
 * @param requestTimeout the longest wait for one answer of the service or the token endpoint
 * @param backoffBase the first retry's delay (doubled per attempt, with full jitter)
 * @param backoffMax the longest delay between two attempts
 */
public record EoscSettings(boolean enabled, Optional<URI> url, Map<Installation, String> installations,
    Map<Metric, String> metricDefinitions, Optional<URI> tokenEndpoint, Optional<String> clientId,
    Optional<Secret> clientSecret, Optional<String> scope, Optional<Path> tokenFile, Duration interval,
    Duration closeAfter, Optional<YearMonth> since, Duration requestTimeout, Duration backoffBase,
    Duration backoffMax) {

  /** One of our installations: a facility and its installation id as records carry them. */
  public record Installation(String facility, String installation) {
    @Override
    public String toString() {
      return facility + "/" + installation;
    }
  }

  public EoscSettings {
    installations = Map.copyOf(installations);
    metricDefinitions = Map.copyOf(metricDefinitions);
  }

  /** Push off, no ids known. */
  public static EoscSettings disabled() {
    return from(ConfigNode.empty("services.accounting.eosc"));
  }

  public static EoscSettings from(ConfigNode node) {
    boolean enabled = node.bool("enabled", false);
    Optional<URI> url = node.optionalUri("url", Set.of("http", "https"));
    Map<Installation, String> installations = installations(node.node("installations"));
    Map<Metric, String> definitions = definitions(node.node("metricDefinitions"));
    Optional<URI> tokenEndpoint = node.optionalUri("tokenEndpoint", Set.of("http", "https"));
    Optional<String> clientId = node.optionalString("clientId");
    Optional<Secret> clientSecret = node.optionalString("clientSecret").map(Secret::new);
    Optional<String> scope = node.optionalString("scope");
    Optional<Path> tokenFile = node.optionalString("tokenFile").map(Path::of);
    Duration interval = between(node, "interval", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1));
    Duration closeAfter = between(node, "closeAfter", Duration.ofDays(1), Duration.ZERO, Duration.ofDays(366));
    Optional<YearMonth> since = node.optionalString("since").map(s -> {
      try {
        if (!s.matches("\\d{4}-\\d{2}")) {
          throw new DateTimeParseException(s, s, 0);
        }
        return YearMonth.parse(s);
      } catch (DateTimeParseException e) {
        throw new ConfigException(node.path() + ".since", "expected a month such as 2026-01, got '" + s + "'");
      }
    });
    Duration timeout = between(node, "requestTimeout", Duration.ofSeconds(30), Duration.ofMillis(100),
        Duration.ofMinutes(5));
    Duration base = between(node, "backoffBase", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration max = between(node, "backoffMax", Duration.ofHours(1), base, Duration.ofDays(1));
    node.rejectUnknownKeys();
    if (tokenEndpoint.isPresent() && tokenFile.isPresent()) {
      throw new ConfigException(node.path() + ".tokenFile", "give either tokenEndpoint (client credentials) or "
          + "tokenFile (a static token), not both");
    }
    if (tokenEndpoint.isPresent() && (clientId.isEmpty() || clientSecret.isEmpty())) {
      throw new ConfigException(node.path() + (clientId.isEmpty() ? ".clientId" : ".clientSecret"),
          "is required with tokenEndpoint (the client credentials grant)");
    }
    if (enabled) {
      if (url.isEmpty()) {
        throw new ConfigException(node.path() + ".url", "is required when the push is enabled: the EOSC Accounting "
            + "Service's base URL, such as https://api.accounting.eosc-portal.eu");
      }
      if (tokenEndpoint.isEmpty() && tokenFile.isEmpty()) {
        throw new ConfigException(node.path() + ".tokenEndpoint", "a token source is required when the push is "
            + "enabled: tokenEndpoint with clientId and clientSecret, or tokenFile");
      }
      if (installations.isEmpty()) {
        throw new ConfigException(node.path() + ".installations", "at least one is required when the push is "
            + "enabled, as facility/installation: installation id of the EOSC Accounting Service");
      }
      if (definitions.isEmpty()) {
        throw new ConfigException(node.path() + ".metricDefinitions", "at least one is required when the push is "
            + "enabled, as metric: metric definition id of the EOSC Accounting Service; metrics are " + Metric.names());
      }
    }
    return new EoscSettings(enabled, url, installations, definitions, tokenEndpoint, clientId, clientSecret, scope,
        tokenFile, interval, closeAfter, since, timeout, base, max);
  }

  private static Map<Installation, String> installations(ConfigNode node) {
    Map<Installation, String> out = new LinkedHashMap<>();
    for (String key : node.keys()) {
      int slash = key.indexOf('/');
      String id = node.requiredString(key);
      if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0
          || !Input.isClean(key, 2 * Input.MAX_ID) || !Input.isClean(id, Input.MAX_ID)) {
        throw new ConfigException(node.path() + "." + key, "expected facility/installation: installation id, "
            + "such as esrf/esrf-hpc: 6401a1f0c2");
      }
      out.put(new Installation(key.substring(0, slash), key.substring(slash + 1)), id);
    }
    return out;
  }

  private static Map<Metric, String> definitions(ConfigNode node) {
    Map<Metric, String> out = new EnumMap<>(Metric.class);
    for (String key : node.keys()) {
      Metric m = Metric.parse(key).orElseThrow(() -> new ConfigException(node.path() + "." + key,
          "unknown metric; expected any of " + Metric.names()));
      String id = node.requiredString(key);
      if (!Input.isClean(id, Input.MAX_ID)) {
        throw new ConfigException(node.path() + "." + key, "expected a metric definition id");
      }
      if (out.containsValue(id)) {
        throw new ConfigException(node.path() + "." + key, "the metric definition id " + id + " is already given "
            + "to another metric; each metric needs its own (the service would add their values up)");
      }
      out.put(m, id);
    }
    return out;
  }

  private static Duration between(ConfigNode node, String key, Duration fallback, Duration min, Duration max) {
    Duration d = node.duration(key, fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(node.path() + "." + key, "expected a duration from " + min.toString().substring(2)
          .toLowerCase(java.util.Locale.ROOT) + " to " + max.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
    }
    return d;
  }
}
