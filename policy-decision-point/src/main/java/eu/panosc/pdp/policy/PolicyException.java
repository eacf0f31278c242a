package eu.panosc.pdp.policy;

/** A policy refused at load: names the file, the line (1-based, 0 when unknown) and the reason. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final int line;
  private final String reason;

  public PolicyException(String file, int line, String reason) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
