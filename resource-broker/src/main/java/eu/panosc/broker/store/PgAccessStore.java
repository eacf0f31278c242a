package eu.panosc.broker.store;

import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Share;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link AccessStore} on PostgreSQL (schema {@code broker}, tables of {@code V2__access.sql}). */
public final class PgAccessStore implements AccessStore {
  private static final String COLUMNS = "id, session_id, grantee, token_hash, via, mode, created_by, created, "
      + "expires_at, revoked_at";

  private final Pool pool;

  public PgAccessStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Share> putShare(Share s) {
    return pool.preparedQuery("INSERT INTO session_share (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        + "$9, $10)").execute(Tuple.from(new Object[] {s.id(), s.sessionId(), s.grantee().orElse(null),
            s.tokenHash().orElse(null), s.via().orElse(null), s.mode().name(), s.createdBy(), utc(s.created()),
            s.expiresAt().map(PgAccessStore::utc).orElse(null), s.revokedAt().map(PgAccessStore::utc).orElse(null)}))
        .map(x -> s);
  }

  @Override
  public Future<List<Share>> shares(String sessionId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM session_share WHERE session_id = $1 ORDER BY created, id")
        .execute(Tuple.of(sessionId)).map(PgAccessStore::shares);
  }

  @Override
  public Future<Optional<Share>> invitation(String tokenHash) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM session_share WHERE token_hash = $1")
        .execute(Tuple.of(tokenHash)).map(rows -> shares(rows).stream().findFirst());
  }

  @Override
  public Future<Integer> revoke(String sessionId, String shareId, Instant at) {
    return pool.preparedQuery("UPDATE session_share SET revoked_at = $3 WHERE session_id = $1 AND (id = $2 OR via = $2)"
        + " AND revoked_at IS NULL").execute(Tuple.of(sessionId, shareId, utc(at))).map(RowSet::rowCount);
  }

  @Override
  public Future<Void> log(AccessRecord r) {
    return pool.preparedQuery("INSERT INTO share_access (session_id, user_id, share_id, granted, reason, at) VALUES "
        + "($1, $2, $3, $4, $5, $6)").execute(Tuple.of(r.sessionId(), r.user(), r.shareId().orElse(null), r.granted(),
            r.reason(), utc(r.at()))).mapEmpty();
  }

  @Override
  public Future<List<AccessRecord>> accessLog(String sessionId) {
    return pool.preparedQuery("SELECT session_id, user_id, share_id, granted, reason, at FROM share_access WHERE "
        + "session_id = $1 ORDER BY id").execute(Tuple.of(sessionId)).map(rows -> {
          List<AccessRecord> out = new ArrayList<>();
          rows.forEach(r -> out.add(new AccessRecord(r.getString("session_id"), r.getString("user_id"),
              Optional.ofNullable(r.getString("share_id")), r.getBoolean("granted"), r.getString("reason"),
              r.getOffsetDateTime("at").toInstant())));
          return out;
        });
  }

  @Override
  public Future<byte[]> cookieKey(byte[] candidate) {
    return pool.preparedQuery("INSERT INTO proxy_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(Buffer.buffer(candidate)))
        .compose(x -> pool.query("SELECT key FROM proxy_key WHERE id = 1").execute())
        .map(rows -> rows.iterator().next().getBuffer("key").getBytes());
  }

  private static List<Share> shares(RowSet<Row> rows) {
    List<Share> out = new ArrayList<>();
    rows.forEach(r -> out.add(new Share(r.getString("id"), r.getString("session_id"),
        Optional.ofNullable(r.getString("grantee")), Optional.ofNullable(r.getString("token_hash")),
        Optional.ofNullable(r.getString("via")), Share.Mode.valueOf(r.getString("mode")), r.getString("created_by"),
        r.getOffsetDateTime("created").toInstant(), instant(r, "expires_at"), instant(r, "revoked_at"))));
    return out;
  }

  private static Optional<Instant> instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
