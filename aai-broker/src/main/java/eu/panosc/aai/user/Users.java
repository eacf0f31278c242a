package eu.panosc.aai.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * Canonical users in {@code aai.app_user}: keyed on the upstream identity's canonical id, with the
 * attributes of their latest login and the times of their first and last login.
 */
public final class Users {
  /** A stored user. */
  public record User(String id, JsonObject attributes) {}

  private final Pool pool;
  private final Clock clock;

  public Users(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records a login: creates the user on first login, else refreshes attributes and last login. */
  public Future<User> recordLogin(UpstreamIdentity identity) {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    JsonObject attributes = identity.attributes();
    return pool.preparedQuery("INSERT INTO app_user (id, attributes, first_login, last_login) VALUES ($1, $2, $3, $3)"
            + " ON CONFLICT (id) DO UPDATE SET attributes = EXCLUDED.attributes, last_login = EXCLUDED.last_login")
        .execute(Tuple.of(identity.userId(), attributes, now))
        .map(v -> new User(identity.userId(), attributes));
  }

  public Future<Optional<User>> find(String id) {
    return pool.preparedQuery("SELECT attributes FROM app_user WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new User(id, (JsonObject) rows.iterator().next().getValue(0))));
  }
}
