package eu.panosc.keycloak.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

/**
 * Turns a Keycloak login or token event into one metrics-accounting usage record (one NDJSON line).
 *
 * <p>Accounting has no login or token metric; the nearest is {@code sessions}: a sign-in (LOGIN, CLIENT_LOGIN)
 * carries value 1, a token issued or refreshed and a logout value 0, all with the Keycloak session as
 * {@code session} (so accounting's distinct-sessions and active-users reports count them). The idempotency key is
 * {@code source} + {@code recordId} = the event id; the service is {@code installation} = {@code <realm>/<client>}.
 */
public final class UsageRecords {
  /** The event types turned into records by default. */
  public static final Set<String> DEFAULT_TYPES =
      Set.of("LOGIN", "CLIENT_LOGIN", "CODE_TO_TOKEN", "REFRESH_TOKEN", "LOGOUT");
  static final String METRIC = "sessions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX = 512;

  private UsageRecords() {}

  /** What an event says, as plain values (no Keycloak types, so it is testable alone). */
  public record UsageEvent(String id, String type, Instant time, String realm, String clientId, String sessionId,
      String user) {}

  /** The record as one JSON line, or null when the event cannot be a record (no realm). */
  public static String line(UsageEvent e, String source, String facility) {
    if (blank(e.realm())) {
      return null;
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("source", source);
    r.put("recordId", blank(e.id()) ? derivedId(e) : clip(e.id()));
    r.put("facility", facility);
    r.put("installation", clip(e.realm() + "/" + (blank(e.clientId()) ? "-" : e.clientId())));
    if (!blank(e.sessionId())) {
      r.put("session", clip(e.sessionId()));
    }
    if (!blank(e.user())) {
      r.put("user", clip(e.user()));
    }
    r.put("metric", METRIC);
    String t = e.time().toString();
    r.put("start", t);
    r.put("end", t);
    r.put("value", "LOGIN".equals(e.type()) || "CLIENT_LOGIN".equals(e.type()) ? 1 : 0);
    return r.toString();
  }

  /** A stable key for an event without id: a hash of what identifies it, so a replay gets the same key. */
  static String derivedId(UsageEvent e) {
    String basis = String.join("\u0000", e.type(), String.valueOf(e.time().toEpochMilli()), e.realm(),
        String.valueOf(e.clientId()), String.valueOf(e.sessionId()), String.valueOf(e.user()));
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(basis.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Accounting's Input rule: at most 512 characters, no control characters. */
  private static String clip(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX));
    s.codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX).forEach(out::appendCodePoint);
    return out.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
