package eu.panosc.aai.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Canonical users in {@code aai.app_user}: keyed on the upstream identity's canonical id, with the
 * attributes of their latest login and the times of their first and last login.
 */
public interface Users {
  /** A stored user. */
  record User(String id, JsonObject attributes) {}

  /** Records a login: creates the user on first login, else refreshes attributes and last login. */
  Future<User> recordLogin(UpstreamIdentity identity);

  Future<Optional<User>> find(String id);
}
