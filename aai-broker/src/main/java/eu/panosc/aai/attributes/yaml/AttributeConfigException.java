package eu.panosc.aai.attributes.yaml;

import java.util.Objects;

/**
 * An attribute configuration file (SATOSA attribute map, pysaml2 attribute map, micro-service file) that cannot
 * be used. The message names the file, the line and what is wrong, so an operator can fix the file without
 * reading code; it never contains a configured secret.
 */
public final class AttributeConfigException extends RuntimeException {
  private final String source;
  private final int line;

  /**
   * @param source the file (or resource) name
   * @param line the 1-based line, or 0 when the problem is not tied to a line
   */
  public AttributeConfigException(String source, int line, String message) {
    super(Objects.requireNonNull(source, "source") + (line > 0 ? " line " + line : "") + ": " + message);
    this.source = source;
    this.line = line;
  }

  public String source() {
    return source;
  }

  /** The 1-based line of the problem, 0 when unknown. */
  public int line() {
    return line;
  }
}
