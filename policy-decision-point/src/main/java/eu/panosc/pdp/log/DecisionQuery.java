package eu.panosc.pdp.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A filter over the decision log: subject (its stored forms: clear and HMAC), resource, decision,
 * simulated or not (null: both), time window {@code [since, until)}, page size, and the keyset position
 * after which the page starts.
 */
public record DecisionQuery(List<String> subjects, String resource, Boolean decision, Boolean simulated,
    Instant since, Instant until, int limit, Cursor after) {

  /** A row's position in the log's order (newest first): its time and id. Encoded as an opaque page token. */
  public record Cursor(Instant at, UUID id) {
    public String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in a page token; IllegalArgumentException when it is not one this API issued. */
    public static Cursor decode(String token) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int bar = s.indexOf('|');
        if (bar < 0) {
          throw new IllegalArgumentException("no separator");
        }
        return new Cursor(Instant.parse(s.substring(0, bar)), UUID.fromString(s.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("is not a page token this API issued", e);
      }
    }
  }
}
