package eu.panosc.pdp.log;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code decision_log} table: batched inserts (one statement per batch, the rows passed as arrays
 * and expanded with {@code unnest}), the purge, the lookups of the query API, and the HMAC key.
 */
public final class PgDecisionLog {
  private static final String COLUMNS = "id, decided_at, kind, item, caller, request_id, subject_type, subject_id, "
      + "resource_type, resource_id, action, request, decision, policy, policy_version, rule, relation, "
      + "error_status, error_message, result, simulated";
  private static final String INSERT = "INSERT INTO decision_log (" + COLUMNS + ") SELECT id, decided_at, kind, "
      + "item, caller, request_id, subject_type, subject_id, resource_type, resource_id, action, request::jsonb, "
      + "decision, policy, policy_version, rule, relation, error_status, error_message, result::jsonb, simulated "
      + "FROM unnest("
      + "$1::uuid[], $2::timestamptz[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], "
      + "$9::text[], $10::text[], $11::text[], $12::text[], $13::bool[], $14::text[], $15::int[], $16::text[], "
      + "$17::text[], $18::int[], $19::text[], $20::text[], $21::bool[]) AS t(" + COLUMNS + ")";

  private final Pool pool;

  public PgDecisionLog(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** The HMAC key: generated and stored by the first replica to start, read by every other. */
  public Future<byte[]> key() {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    return pool.preparedQuery("INSERT INTO decision_log_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(Buffer.buffer(fresh)))
        .compose(v -> pool.query("SELECT key FROM decision_log_key WHERE id = 1").execute())
        .map(rows -> rows.iterator().next().getBuffer("key").getBytes());
  }

  public Future<Void> insert(List<LogRows.Row> rows) {
    int n = rows.size();
    UUID[] id = new UUID[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] kind = new String[n];
    Integer[] item = new Integer[n];
    String[] caller = new String[n];
    String[] requestId = new String[n];
    String[] subjectType = new String[n];
    String[] subjectId = new String[n];
    String[] resourceType = new String[n];
    String[] resourceId = new String[n];
    String[] action = new String[n];
    String[] request = new String[n];
    Boolean[] decision = new Boolean[n];
    String[] policy = new String[n];
    Integer[] version = new Integer[n];
    String[] rule = new String[n];
    String[] relation = new String[n];
    Integer[] errorStatus = new Integer[n];
    String[] errorMessage = new String[n];
    String[] result = new String[n];
    Boolean[] simulated = new Boolean[n];
    for (int i = 0; i < n; i++) {
      LogRows.Row r = rows.get(i);
      id[i] = r.id();
      at[i] = r.at();
      kind[i] = r.kind();
      item[i] = r.item();
      caller[i] = r.caller();
      requestId[i] = r.requestId();
      subjectType[i] = r.subjectType();
      subjectId[i] = r.subjectId();
      resourceType[i] = r.resourceType();
      resourceId[i] = r.resourceId();
      action[i] = r.action();
      request[i] = r.request();
      decision[i] = r.decision();
      policy[i] = r.policy();
      version[i] = r.policyVersion();
      rule[i] = r.rule();
      relation[i] = r.relation();
      errorStatus[i] = r.errorStatus();
      errorMessage[i] = r.errorMessage();
      result[i] = r.result();
      simulated[i] = r.simulated();
    }
    Tuple t = Tuple.tuple(List.of(id, at, kind, item, caller, requestId, subjectType, subjectId, resourceType,
        resourceId, action, request, decision, policy, version, rule, relation, errorStatus, errorMessage, result,
        simulated));
    return pool.preparedQuery(INSERT).execute(t).mapEmpty();
  }

  /** Deletes rows decided before {@code cutoff}, then the oldest beyond {@code maxRows}; the number deleted. */
  public Future<Integer> purge(Instant cutoff, int maxRows) {
    return pool.preparedQuery("DELETE FROM decision_log WHERE decided_at < $1")
        .execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC)))
        .compose(old -> pool.preparedQuery("DELETE FROM decision_log WHERE (decided_at, id) <= (SELECT decided_at, id "
                + "FROM decision_log ORDER BY decided_at DESC, id DESC OFFSET $1 LIMIT 1)")
            .execute(Tuple.of(maxRows))
            .map(excess -> old.rowCount() + excess.rowCount()));
  }

  public Future<Optional<JsonObject>> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM decision_log WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(json(rows.iterator().next())));
  }

  /** Up to {@code query.limit() + 1} rows, newest first, so the caller knows whether another page follows. */
  public Future<List<Keyed>> query(DecisionQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM decision_log WHERE true");
    List<Object> args = new ArrayList<>();
    if (q.subjects() != null) {
      args.add(q.subjects().toArray(String[]::new));
      sql.append(" AND subject_id = ANY($").append(args.size()).append("::text[])");
    }
    if (q.resource() != null) {
      args.add(q.resource());
      sql.append(" AND resource_id = $").append(args.size());
    }
    if (q.decision() != null) {
      args.add(q.decision());
      sql.append(" AND decision = $").append(args.size());
    }
    if (q.simulated() != null) {
      args.add(q.simulated());
      sql.append(" AND simulated = $").append(args.size());
    }
    if (q.since() != null) {
      args.add(q.since().atOffset(ZoneOffset.UTC));
      sql.append(" AND decided_at >= $").append(args.size());
    }
    if (q.until() != null) {
      args.add(q.until().atOffset(ZoneOffset.UTC));
      sql.append(" AND decided_at < $").append(args.size());
    }
    if (q.after() != null) {
      args.add(q.after().at().atOffset(ZoneOffset.UTC));
      args.add(q.after().id());
      sql.append(" AND (decided_at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(')');
    }
    args.add(q.limit() + 1);
    sql.append(" ORDER BY decided_at DESC, id DESC LIMIT $").append(args.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(rows -> {
      List<Keyed> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Keyed(new DecisionQuery.Cursor(r.getOffsetDateTime("decided_at").toInstant(), r.getUUID("id")),
            json(r)));
      }
      return out;
    });
  }

  /** A row as the API shows it, with its position for the next page. */
  public record Keyed(DecisionQuery.Cursor cursor, JsonObject json) {}

  static JsonObject json(Row r) {
    JsonObject o = new JsonObject().put("id", r.getUUID("id").toString())
        .put("time", r.getOffsetDateTime("decided_at").toInstant().toString())
        .put("kind", r.getString("kind"));
    putIf(o, "item", r.getInteger("item"));
    putIf(o, "caller", r.getString("caller"));
    putIf(o, "requestId", r.getString("request_id"));
    if (r.getString("subject_type") != null) {
      JsonObject s = new JsonObject().put("type", r.getString("subject_type"));
      putIf(s, "id", r.getString("subject_id"));
      o.put("subject", s);
    }
    if (r.getString("resource_type") != null) {
      JsonObject s = new JsonObject().put("type", r.getString("resource_type"));
      putIf(s, "id", r.getString("resource_id"));
      o.put("resource", s);
    }
    putIf(o, "action", r.getString("action"));
    Object request = r.getValue("request");
    o.put("request", request instanceof JsonObject j ? j : new JsonObject(String.valueOf(request)));
    putIf(o, "decision", r.getBoolean("decision"));
    o.put("simulated", r.getBoolean("simulated"));
    if (r.getString("policy") != null || r.getString("relation") != null) {
      JsonObject p = new JsonObject();
      putIf(p, "name", r.getString("policy"));
      putIf(p, "version", r.getInteger("policy_version"));
      putIf(p, "rule", r.getString("rule"));
      putIf(p, "relation", r.getString("relation"));
      o.put("policy", p);
    }
    if (r.getInteger("error_status") != null) {
      o.put("error", new JsonObject().put("status", r.getInteger("error_status"))
          .put("message", r.getString("error_message")));
    }
    Object result = r.getValue("result");
    if (result != null) {
      o.put("result", result instanceof JsonObject j ? j : new JsonObject(String.valueOf(result)));
    }
    return o;
  }

  private static void putIf(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
