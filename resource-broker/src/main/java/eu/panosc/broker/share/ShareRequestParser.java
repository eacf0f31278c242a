package eu.panosc.broker.share;

import eu.panosc.broker.access.ShareRequest;
import eu.panosc.broker.model.Share;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the bodies of the sharing routes: {@code {"user": id}} or {@code {"invitation": true}}, with
 * {@code "mode": "read-only"|"interactive"} (default read-only) and {@code "expiresAt"}; {@code {"token": ...}} to
 * redeem an invitation; {@code {"expiresAt"?}} to extend. Anything else is a 400 naming the field.
 */
final class ShareRequestParser {
  private static final Set<String> SHARE_FIELDS = Set.of("user", "invitation", "mode", "expiresAt");

  private ShareRequestParser() {}

  static ShareRequest share(JsonObject o) {
    known(o, SHARE_FIELDS);
    Object user = o.getValue("user");
    Object invitation = o.getValue("invitation");
    if (invitation != null && !(invitation instanceof Boolean)) {
      throw ApiException.invalidField("/invitation", "must be true or false");
    }
    boolean invite = Boolean.TRUE.equals(invitation);
    if (invite == (user != null)) {
      throw ApiException.invalidField("/user", "give either a user to share with, or \"invitation\": true");
    }
    Optional<String> grantee = Optional.empty();
    if (user != null) {
      if (!(user instanceof String s)) {
        throw ApiException.invalidField("/user", "must be a string");
      }
      grantee = Optional.of(checked("/user", s));
    }
    Object mode = o.getValue("mode");
    Share.Mode m = Share.Mode.READ_ONLY;
    if (mode != null) {
      m = switch (mode instanceof String s ? s : "") {
        case "read-only" -> Share.Mode.READ_ONLY;
        case "interactive" -> Share.Mode.INTERACTIVE;
        default -> throw ApiException.invalidField("/mode", "must be \"read-only\" or \"interactive\"");
      };
    }
    return new ShareRequest(grantee, m, instant(o));
  }

  static Optional<Instant> instant(JsonObject o) {
    Object v = o.getValue("expiresAt");
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalidField("/expiresAt", "must be an RFC 3339 instant such as 2026-12-24T18:00:00Z");
    }
    try {
      return Optional.of(Input.instant("/expiresAt", s, true));
    } catch (InvalidInputException e) {
      throw ApiException.invalidField("/expiresAt", "must be an RFC 3339 instant such as 2026-12-24T18:00:00Z");
    }
  }

  static Optional<Instant> extend(JsonObject o) {
    known(o, Set.of("expiresAt"));
    return instant(o);
  }

  static String token(JsonObject o) {
    known(o, Set.of("token"));
    Object v = o.getValue("token");
    if (!(v instanceof String s) || s.isBlank()) {
      throw ApiException.invalidField("/token", "is required: the invitation's token");
    }
    if (!Input.isClean(s, 256)) {
      throw ApiException.invalidField("/token", "is not an invitation token");
    }
    return s;
  }

  private static void known(JsonObject o, Set<String> fields) {
    for (String key : o.fieldNames()) {
      if (!fields.contains(key)) {
        throw ApiException.invalidField("/" + key, "unknown field; known fields are "
            + fields.stream().sorted().toList());
      }
    }
  }

  static String checked(String field, String s) {
    try {
      return Input.id(field, s, Input.MAX_ID);
    } catch (InvalidInputException e) {
      throw ApiException.invalidField(field, "must be an id of 1 to " + Input.MAX_ID
          + " characters without control characters");
    }
  }
}
