package eu.panosc.broker.usage;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * {@code services.broker.usage}: send usage records to metrics-accounting (absent: none are made).
 *
 * @param accounting accounting's base URL (default {@code <public URL>/accounting})
 * @param period how often an active session's usage is recorded
 * @param batch records per request
 */
public record UsageSettings(URI accounting, Duration period, int batch) {
  public UsageSettings {
    Objects.requireNonNull(accounting, "accounting");
    Objects.requireNonNull(period, "period");
  }

  public static UsageSettings from(ConfigNode n, URI publicRoot) {
    URI accounting = n.optionalUri("accountingUrl", Set.of("http", "https"))
        .orElseGet(() -> URI.create(publicRoot.toString().replaceAll("/+$", "") + "/accounting"));
    Duration period = n.duration("period", Duration.ofMinutes(5));
    if (period.toSeconds() < 1) {
      throw new ConfigException(n.path() + ".period", "expected at least 1s, such as 5m");
    }
    int batch = n.integer("batch", 500, 1, 10_000);
    n.rejectUnknownKeys();
    return new UsageSettings(accounting, period, batch);
  }
}
