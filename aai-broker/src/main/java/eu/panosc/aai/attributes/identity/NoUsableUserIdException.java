package eu.panosc.aai.attributes.identity;

import java.util.List;

/**
 * No configured source gave a usable canonical user id. {@link #tried()} says, per source in order, why not
 * (never the values themselves), for the log line and the page the person sees.
 */
public final class NoUsableUserIdException extends RuntimeException {
  private final List<String> tried;

  public NoUsableUserIdException(List<String> tried) {
    super("no usable user identifier; tried " + String.join("; ", tried));
    this.tried = List.copyOf(tried);
  }

  /** Per source tried, in order: {@code "<source>: <why not>"}. */
  public List<String> tried() {
    return tried;
  }
}
