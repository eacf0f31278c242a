package eu.panosc.aai.session;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Browser sessions (single sign-on) in {@code aai.browser_session}. The cookie carries a random 256-bit id;
 * the table holds only its SHA-256, so a database read does not yield usable session cookies. Each session also
 * has a separate random {@code sid} (OpenID Connect Back-Channel Logout 1.0 §2.1) that clients see in ID and
 * logout tokens.
 */
public final class Sessions {
  /** Cookie name of the session. */
  public static final String COOKIE = "panosc_aai_session";

  /** A live session. */
  public record Session(String sid, String userId, Instant authTime, String acr, List<String> amr) {}

  /** A session that just ended (logout or expiry): whose it was and its {@code sid}. */
  public record Ended(String sid, String userId) {}

  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public Sessions(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** Starts a session for a fresh login; returns the id to put in the cookie. */
  public Future<String> create(UpstreamIdentity identity) {
    String id = Opaque.random();
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO browser_session (id_hash, sid, user_id, auth_time, acr, amr, expires_at)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(List.of(Opaque.hash(id), Opaque.random(), identity.userId(), now, identity.acr(),
            new JsonArray(identity.amr()), now.plus(lifetime))))
        .map(v -> id);
  }

  public Future<Optional<Session>> find(String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT sid, user_id, auth_time, acr, amr FROM browser_session WHERE id_hash = $1"
            + " AND expires_at > $2")
        .execute(Tuple.of(Opaque.hash(id), clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new Session(r.getString(0), r.getString(1), r.getOffsetDateTime(2).toInstant(),
              r.getString(3), r.getJsonArray(4).stream().map(String::valueOf).toList()));
        });
  }

  /**
   * Ends the session of this cookie value (its cookie then means nothing); empty when there was none. One
   * atomic delete, so two concurrent logouts end it once.
   */
  public Future<Optional<Ended>> end(String id) {
    return end(pool, id);
  }

  /** {@link #end(String)} on {@code client}, e.g. inside the caller's transaction. */
  public Future<Optional<Ended>> end(SqlClient client, String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return client.preparedQuery("DELETE FROM browser_session WHERE id_hash = $1 RETURNING sid, user_id")
        .execute(Tuple.of(Opaque.hash(id)))
        .map(rows -> rows.size() == 0 ? Optional.<Ended>empty()
            : Optional.of(new Ended(rows.iterator().next().getString(0), rows.iterator().next().getString(1))));
  }

  /** Drops expired sessions; returns them, so that their clients can be told (back-channel logout). */
  public Future<List<Ended>> purgeExpired() {
    return purgeExpired(pool);
  }

  /** {@link #purgeExpired()} on {@code client}, e.g. inside the caller's transaction. */
  public Future<List<Ended>> purgeExpired(SqlClient client) {
    return client.preparedQuery("DELETE FROM browser_session WHERE expires_at < $1 RETURNING sid, user_id")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          List<Ended> out = new java.util.ArrayList<>();
          rows.forEach(r -> out.add(new Ended(r.getString(0), r.getString(1))));
          return out;
        });
  }
}
