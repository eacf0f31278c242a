package eu.panosc.platform.config;

import java.util.Objects;

/** A configuration value that must never appear in logs or error messages. */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
