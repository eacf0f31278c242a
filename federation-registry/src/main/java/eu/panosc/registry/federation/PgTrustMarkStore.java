package eu.panosc.registry.federation;

import eu.panosc.registry.oidfed.TrustMarkStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Issued trust marks in {@code registry.trust_mark}. */
public final class PgTrustMarkStore implements TrustMarkStore {
  private static final String COLUMNS = "id, type, sub, issued_at, expires_at, jwt, revoked_at";
  private final Pool pool;

  public PgTrustMarkStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Void> save(TrustMarkRecord r) {
    return pool.preparedQuery("INSERT INTO trust_mark (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(new Object[] {r.id(), r.type(), r.sub(), odt(r.issuedAt()), odt(r.expiresAt()), r.jwt(),
            odt(r.revokedAt())}))
        .mapEmpty();
  }

  @Override
  public Future<List<TrustMarkRecord>> list(String type, String sub) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM trust_mark WHERE ($1::text IS NULL OR type = $1)"
            + " AND ($2::text IS NULL OR sub = $2) ORDER BY issued_at DESC, id")
        .execute(Tuple.of(type, sub))
        .map(rows -> {
          List<TrustMarkRecord> out = new ArrayList<>();
          rows.forEach(r -> out.add(record(r)));
          return out;
        });
  }

  @Override
  public Future<Optional<TrustMarkRecord>> findByJwt(String jwt) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM trust_mark WHERE jwt = $1").execute(Tuple.of(jwt))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(record(rows.iterator().next())));
  }

  @Override
  public Future<Boolean> revoke(String id, Instant at) {
    return pool.preparedQuery("UPDATE trust_mark SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id, odt(at)))
        .compose(r -> r.rowCount() == 1 ? Future.succeededFuture(true)
            : pool.preparedQuery("SELECT 1 FROM trust_mark WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 1));
  }

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static TrustMarkRecord record(Row r) {
    return new TrustMarkRecord(r.getString("id"), r.getString("type"), r.getString("sub"), instant(r, "issued_at"),
        instant(r, "expires_at"), r.getString("jwt"), instant(r, "revoked_at"));
  }
}
