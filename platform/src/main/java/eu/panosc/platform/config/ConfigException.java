package eu.panosc.platform.config;

/**
 * A configuration value that cannot be used. The message names the key (dotted path) and what is
 * expected, so that an operator can fix the file without reading code.
 */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /** The dotted path of the offending key, e.g. {@code server.port}. */
  public String key() {
    return key;
  }
}
