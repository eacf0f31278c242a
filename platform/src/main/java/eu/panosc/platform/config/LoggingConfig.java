package eu.panosc.platform.config;

import java.util.Locale;
import java.util.Set;

/**
 * Logging output.
 *
 * @param format {@code text} for people (default) or {@code json} (one JSON object per line)
 * @param level root level: error, warn, info, debug or trace
 */
public record LoggingConfig(Format format, String level) {
  private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

  /** Log line format. */
  public enum Format { TEXT, JSON }

  static LoggingConfig from(ConfigNode n) {
    Format format = n.enumValue("format", Format.class, Format.TEXT);
    String level = n.string("level", "info").toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new ConfigException(n.keyOf("level"),
          "expected one of error, warn, info, debug, trace, got '" + level + "'");
    }
    return new LoggingConfig(format, level);
  }
}
