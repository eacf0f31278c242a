package eu.panosc.pdp.policy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link PolicyStore} on PostgreSQL: table {@code policy}, version = previous + 1 per facility. */
public final class PgPolicyStore implements PolicyStore {
  private final Pool pool;

  public PgPolicyStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Integer> add(String facility, String file, String source) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('pdp.policy.' || $1))")
        .execute(Tuple.of(facility))
        .compose(x -> conn.preparedQuery("""
            INSERT INTO policy (facility, version, file, source)
            SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM policy WHERE facility = $1
            RETURNING version""").execute(Tuple.of(facility, file, source)))
        .map(rows -> rows.iterator().next().getInteger(0)));
  }

  @Override
  public Future<List<StoredPolicy>> latest() {
    return pool.query("""
        SELECT DISTINCT ON (facility) facility, version, file, source, created_at FROM policy
        ORDER BY facility, version DESC""").execute().map(PgPolicyStore::rows);
  }

  @Override
  public Future<java.util.Map<String, Integer>> versions() {
    return pool.query("SELECT facility, max(version) FROM policy GROUP BY facility").execute().map(rows -> {
      java.util.Map<String, Integer> out = new java.util.HashMap<>();
      rows.forEach(r -> out.put(r.getString(0), r.getInteger(1)));
      return out;
    });
  }

  @Override
  public Future<List<StoredPolicy>> history(String facility) {
    return pool.preparedQuery("""
        SELECT facility, version, file, source, created_at FROM policy WHERE facility = $1 ORDER BY version DESC""")
        .execute(Tuple.of(facility)).map(PgPolicyStore::rows);
  }

  private static List<StoredPolicy> rows(io.vertx.sqlclient.RowSet<Row> rows) {
    List<StoredPolicy> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new StoredPolicy(r.getString(0), r.getInteger(1), r.getString(2), r.getString(3),
          r.getOffsetDateTime(4).toInstant()));
    }
    return out;
  }
}
