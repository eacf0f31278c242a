package eu.panosc.aai.session;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Storable;
import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transaction;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link Sessions} in PostgreSQL ({@code aai.browser_session}): only the SHA-256 of a session id is stored. */
public final class PgSessions implements Sessions {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgSessions(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<List<Active>> active(String userId) {
    return pool.preparedQuery("SELECT sid, auth_time, expires_at, acr FROM browser_session WHERE user_id = $1"
            + " AND expires_at > $2 ORDER BY auth_time DESC LIMIT 100")
        .execute(Tuple.of(userId, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          List<Active> out = new java.util.ArrayList<>();
          rows.forEach(r -> out.add(new Active(r.getString(0), r.getOffsetDateTime(1).toInstant(),
              r.getOffsetDateTime(2).toInstant(), r.getString(3))));
          return out;
        });
  }

  @Override
  public Future<String> create(UpstreamIdentity identity) {
    String id = Opaque.random();
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return Storable.checked("login", new JsonArray(List.of(identity.userId(), identity.acr(), identity.amr())))
        .compose(checked -> pool.preparedQuery("INSERT INTO browser_session (id_hash, sid, user_id, auth_time, acr,"
                + " amr, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .execute(Tuple.from(List.of(Opaque.hash(id), Opaque.random(), identity.userId(), now, identity.acr(),
                new JsonArray(identity.amr()), now.plus(lifetime)))))
        .map(v -> id);
  }

  @Override
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

  @Override
  public Future<Optional<Ended>> end(String id) {
    return end(pool, id);
  }

  @Override
  public Future<Optional<Ended>> end(Transaction tx, String id) {
    return end(PgTransactions.client(tx), id);
  }

  private Future<Optional<Ended>> end(SqlClient client, String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return client.preparedQuery("DELETE FROM browser_session WHERE id_hash = $1 RETURNING sid, user_id")
        .execute(Tuple.of(Opaque.hash(id)))
        .map(rows -> rows.size() == 0 ? Optional.<Ended>empty()
            : Optional.of(new Ended(rows.iterator().next().getString(0), rows.iterator().next().getString(1))));
  }

  @Override
  public Future<Optional<Ended>> endSid(Transaction tx, String sid) {
    if (sid == null || sid.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return PgTransactions.client(tx).preparedQuery("DELETE FROM browser_session WHERE sid = $1 RETURNING sid, user_id")
        .execute(Tuple.of(sid))
        .map(rows -> rows.size() == 0 ? Optional.<Ended>empty()
            : Optional.of(new Ended(rows.iterator().next().getString(0), rows.iterator().next().getString(1))));
  }

  @Override
  public Future<List<Ended>> purgeExpired() {
    return purgeExpired(pool);
  }

  @Override
  public Future<List<Ended>> purgeExpired(Transaction tx) {
    return purgeExpired(PgTransactions.client(tx));
  }

  private Future<List<Ended>> purgeExpired(SqlClient client) {
    return client.preparedQuery("DELETE FROM browser_session WHERE expires_at < $1 RETURNING sid, user_id")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          List<Ended> out = new java.util.ArrayList<>();
          rows.forEach(r -> out.add(new Ended(r.getString(0), r.getString(1))));
          return out;
        });
  }
}
