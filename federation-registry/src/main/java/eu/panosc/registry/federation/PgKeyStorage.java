package eu.panosc.registry.federation;

import eu.panosc.registry.oidfed.KeyStorage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Signing keys in a table {@code (kid TEXT PRIMARY KEY, private_jwk TEXT, active_from TIMESTAMPTZ)} of the
 * pool's schema: the trust anchor's {@code federation_key}, the aai-broker's {@code signing_key}. A save
 * replaces the set in one transaction.
 */
public final class PgKeyStorage implements KeyStorage {
  private final Pool pool;
  private final String table;

  public PgKeyStorage(Pool pool, String table) {
    this.pool = Objects.requireNonNull(pool, "pool");
    if (!table.matches("[a-z_]{1,63}")) {
      throw new IllegalArgumentException("table name " + table);
    }
    this.table = table;
  }

  @Override
  public Future<List<KeyRecord>> load() {
    return pool.query("SELECT kid, private_jwk, active_from FROM " + table + " ORDER BY active_from").execute()
        .map(rows -> {
          List<KeyRecord> out = new ArrayList<>();
          rows.forEach(r -> out.add(new KeyRecord(r.getString(0), r.getString(1), r.getOffsetDateTime(2).toInstant())));
          return out;
        });
  }

  @Override
  public Future<Void> save(List<KeyRecord> keys) {
    List<Tuple> batch = keys.stream()
        .map(k -> Tuple.of(k.kid(), k.privateJwk(), k.activeFrom().atOffset(ZoneOffset.UTC))).toList();
    return pool.withTransaction(conn -> conn.query("DELETE FROM " + table).execute()
        .compose(v -> batch.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery("INSERT INTO " + table + " (kid, private_jwk, active_from) VALUES ($1, $2, $3)")
                .executeBatch(batch))
        .mapEmpty());
  }
}
