package eu.panosc.aai.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Authorization requests waiting while the person logs in or consents, in
 * {@code aai.pending_authorization}: kept server-side (no state in cookies), addressed by a random id
 * (stored hashed) that the login and consent forms carry, for {@code lifetime}.
 */
public interface PendingAuthorizations {
  /** The field of a stored request naming the session its consent screen was shown to. */
  String SESSION_FIELD = "consentSessionSid";

  Future<String> save(JsonObject request);

  /**
   * Binds the pending request to the browser session {@code sid} that is shown its consent screen: only that
   * session may answer it ({@link #SESSION_FIELD} in the stored request).
   */
  Future<Void> bindSession(String id, String sid);

  Future<Optional<JsonObject>> find(String id);

  /** Adds {@code fields} to the stored request (e.g. the upstream the person chose); nothing when it is gone. */
  Future<Void> attach(String id, JsonObject fields);

  /**
   * Removes the request; true when this call removed it, false when it was already gone. Whoever gets true may
   * act on the request (issue a code, answer access_denied): two concurrent consent posts cannot both do so.
   */
  Future<Boolean> delete(String id);

  Future<Void> purgeExpired();
}
