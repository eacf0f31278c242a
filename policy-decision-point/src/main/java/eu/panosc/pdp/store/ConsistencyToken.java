package eu.panosc.pdp.store;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistency token a write answers with (header {@code X-Consistency-Token}, and
 * {@code consistencyToken} in the ingest answer) and an evaluation may send back to demand a view at
 * least that fresh. Opaque to callers; today {@code v1.<sequence number of the write's batch>}.
 */
public final class ConsistencyToken {
  public static final String HEADER = "X-Consistency-Token";
  private static final Pattern FORMAT = Pattern.compile("v1\\.(\\d{1,18})");

  private ConsistencyToken() {}

  public static String of(long seq) {
    return "v1." + seq;
  }

  /** The sequence number in {@code token}, or empty when it is not a token this PDP issues. */
  public static OptionalLong parse(String token) {
    Matcher m = token == null ? null : FORMAT.matcher(token);
    return m != null && m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }
}
