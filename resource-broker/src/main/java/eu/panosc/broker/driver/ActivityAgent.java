package eu.panosc.broker.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The activity agent that runs with a session ({@value #FILE}: Python 3, standard library only; its source is
 * {@code resource-broker/agent/}, packaged on the classpath beside this class) and how a driver configures it: the
 * broker's base URL as sessions reach it (the agent POSTs to {@code <brokerUrl>/v1/sessions/<id>/activity}) and how
 * often it reports. The agent reads the session's access secret from a file, never from its arguments or
 * environment values.
 */
public record ActivityAgent(URI brokerUrl, Duration interval) {
  /** The agent's file name (on the classpath beside this class, and the key of the script's ConfigMap). */
  public static final String FILE = "panosc-activity-agent.py";

  public ActivityAgent {
    Objects.requireNonNull(brokerUrl, "brokerUrl");
    Objects.requireNonNull(interval, "interval");
    String scheme = brokerUrl.getScheme() == null ? "" : brokerUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || brokerUrl.getHost() == null
        || brokerUrl.getRawUserInfo() != null || brokerUrl.getRawQuery() != null || brokerUrl.getRawFragment() != null) {
      throw new IllegalArgumentException("brokerUrl must be an absolute http or https URL without credentials, query "
          + "or fragment");
    }
    if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("interval must be from 1 s to 1 d");
    }
  }

  /** The broker's base URL without a trailing slash, as the agent's {@code PANOSC_BROKER_URL}. */
  public String brokerBase() {
    return brokerUrl.toString().replaceAll("/+$", "");
  }

  /** The interval in whole seconds, as the agent's {@code PANOSC_ACTIVITY_INTERVAL}. */
  public String intervalSeconds() {
    return Long.toString(Math.max(1, interval.toSeconds()));
  }

  /** The agent's source text. */
  public static String script() {
    return Script.TEXT;
  }

  private static final class Script {
    static final String TEXT = read();

    private static String read() {
      try (InputStream in = ActivityAgent.class.getResourceAsStream(FILE)) {
        if (in == null) {
          throw new IllegalStateException(FILE + " is missing from the classpath (beside " + ActivityAgent.class
              .getName() + ")");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + FILE + " from the classpath", e);
      }
    }
  }
}
