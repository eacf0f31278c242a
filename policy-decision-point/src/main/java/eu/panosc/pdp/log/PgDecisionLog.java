package eu.panosc.pdp.log;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;

/**
 * The decision log in PostgreSQL ({@code db/pdp/V12__decision_log_pages.sql}, {@code V13__decision_log_page_common.sql}):
 * each written batch is one row of {@code decision_log_page} (its decisions as the text of a JSON array, the values
 * its rows share, its time span, and Bloom filters of the subject and resource ids it mentions), read back one
 * decision at a time ({@code PAGE_ROWS}). A
 * lookup reads the pages newest first, a few at a time, filters their rows exactly (a filter only narrows the pages)
 * and returns them in the log's order (time, then id, newest first) across pages whose spans overlap (two writers
 * write at once). Also the purge, the lookup by id, and the HMAC key.
 */
public final class PgDecisionLog {
  /** The decision columns of the {@code decision_log} view, i.e. the members of a page's rows. */
  static final String RECORD = "r(id uuid, decided_at timestamptz, kind text, item integer, caller text, "
      + "request_id text, subject_type text, subject_id text, resource_type text, resource_id text, action text, "
      + "request jsonb, decision boolean, policy text, policy_version integer, rule text, relation text, "
      + "error_status integer, error_message text, result jsonb, simulated boolean)";
  /**
   * The rows of the pages {@code p}, each as {@link #RECORD}: a row's members over the page's common values
   * ({@code V13__decision_log_page_common.sql}; pages written before it have none).
   */
  static final String PAGE_ROWS = "decision_log_page p, jsonb_array_elements(p.body::jsonb) e, "
      + "jsonb_to_record(coalesce(p.common, '{}'::jsonb) || e) AS " + RECORD;
  /** The body comes as UTF-8 bytes ({@link PageWriter}), so the client sends them without encoding a string. */
  static final String INSERT = "INSERT INTO decision_log_page (first_at, last_at, row_count, subject_filter, "
      + "resource_filter, common, body) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, convert_from($7, 'UTF8'))";
  /** Pages read by the first step of a lookup; each further step reads twice as many, up to {@link #MAX_CHUNK}. */
  static final int FIRST_CHUNK = 8;
  static final int MAX_CHUNK = 256;
  private static final Comparator<Keyed> NEWEST_FIRST = Comparator.comparing((Keyed k) -> k.cursor().at())
      .thenComparing(k -> k.cursor().id()).reversed();

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

  /** Writes the rows as one page (one INSERT); the rows may come in any order. */
  public Future<Void> insert(List<LogRows.Row> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return insertPage(PageWriter.page(rows));
  }

  /** Writes one page built by {@link PageWriter#page}. */
  Future<Void> insertPage(Tuple page) {
    return pool.preparedQuery(INSERT).execute(page).mapEmpty();
  }

  /**
   * Deletes the decisions taken before {@code cutoff}, then the oldest beyond {@code maxRows}; the number
   * deleted. Whole pages go by a DELETE; a page that straddles a limit is rewritten with only its rows within it.
   * One transaction under an advisory lock: when several replicas purge at once, one does it and the others skip.
   */
  public Future<Integer> purge(Instant cutoff, int maxRows) {
    Tuple at = Tuple.of(cutoff.atOffset(ZoneOffset.UTC));
    Tuple max = Tuple.of(maxRows);
    return pool.withTransaction(c -> c.query("SELECT pg_try_advisory_xact_lock(" + PURGE_LOCK + ")").execute()
        .compose(lock -> {
          if (!lock.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(0);
          }
          return c.preparedQuery("WITH d AS (DELETE FROM decision_log_page WHERE last_at < $1 RETURNING row_count) "
                  + "SELECT coalesce(sum(row_count), 0)::bigint FROM d").execute(at).map(PgDecisionLog::count)
              .compose(n -> c.preparedQuery("WITH t AS (" + TRIM + "WHERE p.first_at < $1 AND p.last_at >= $1 "
                  + "AND r.decided_at >= $1" + TRIM_END).execute(at).map(rows -> n + count(rows)))
              .compose(n -> c.preparedQuery("WITH k AS (" + UPTO + "), d AS (DELETE FROM decision_log_page p USING k "
                  + "WHERE p.id = k.id AND k.upto - k.row_count >= $1 RETURNING p.row_count) "
                  + "SELECT coalesce(sum(row_count), 0)::bigint FROM d").execute(max).map(rows -> n + count(rows)))
              .compose(n -> c.preparedQuery("WITH k AS (" + UPTO + "), b AS (SELECT id, $1 - (upto - row_count) AS keep "
                  + "FROM k WHERE upto > $1 AND upto - row_count < $1), t AS (SELECT p.id, x.e FROM b "
                  + "JOIN decision_log_page p ON p.id = b.id, LATERAL (SELECT e FROM jsonb_array_elements(p.body::jsonb) e "
                  + "ORDER BY (e->>'decided_at')::timestamptz DESC, (e->>'id')::uuid DESC LIMIT b.keep) x" + TRIM_END)
                  .execute(max).map(rows -> n + count(rows)));
        }));
  }

  /** The advisory lock key of the purge (any constant no other statement of this schema uses). */
  private static final long PURGE_LOCK = 0x70_64_70_5f_70_75_72_67L;   // "pdp_purg"
  /** Each page with the number of rows in it and every newer page. */
  private static final String UPTO = "SELECT id, row_count, sum(row_count) OVER (ORDER BY last_at DESC, id DESC) "
      + "AS upto FROM decision_log_page";

  /**
   * Rewrites the pages of the rows {@code t(id, e)} selects (page id, kept element) to hold only them; answers how
   * many rows left. The filters of a trimmed page are kept (a superset: a lookup may read it for nothing).
   */
  private static final String TRIM = "SELECT p.id, e FROM decision_log_page p, jsonb_array_elements(p.body::jsonb) e, "
      + "jsonb_to_record(e) AS r(decided_at timestamptz) ";
  private static final String TRIM_END = "), "
      + "n AS (SELECT id, jsonb_agg(e)::text AS body, count(*)::int AS row_count, "
      + "min((e->>'decided_at')::timestamptz) AS first_at, max((e->>'decided_at')::timestamptz) AS last_at "
      + "FROM t GROUP BY id), "
      + "u AS (UPDATE decision_log_page p SET body = n.body, row_count = n.row_count, first_at = n.first_at, "
      + "last_at = n.last_at FROM n WHERE p.id = n.id RETURNING p.id, p.row_count AS now_count), "
      + "o AS (SELECT id, row_count AS before_count FROM decision_log_page WHERE id IN (SELECT id FROM n)) "
      + "SELECT coalesce(sum(o.before_count - u.now_count), 0)::bigint FROM u JOIN o ON o.id = u.id";

  private static int count(RowSet<Row> rows) {
    return Math.toIntExact(rows.iterator().next().getLong(0));
  }

  /** The decision with this id: read from the pages spanning the millisecond its id (UUIDv7) was made in. */
  public Future<Optional<JsonObject>> find(UUID id) {
    if (id.version() != 7) {
      return Future.succeededFuture(Optional.empty());   // not an id this log issued
    }
    Instant ms = DecisionIds.instant(id);
    return pool.preparedQuery("SELECT r.* FROM " + PAGE_ROWS + " WHERE p.last_at >= $1 AND p.first_at < $2 AND r.id = $3")
        .execute(Tuple.of(ms.atOffset(ZoneOffset.UTC), ms.plusMillis(1).atOffset(ZoneOffset.UTC), id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(json(rows.iterator().next())));
  }

  /** Up to {@code query.limit() + 1} rows, newest first, so the caller knows whether another page follows. */
  public Future<List<Keyed>> query(DecisionQuery q) {
    return new Lookup(q).next(FIRST_CHUNK);
  }

  /**
   * One lookup: reads the candidate pages newest first (by their latest decision), a chunk at a time, keeps the
   * matching rows, and hands out a row only once no page still unread can hold a newer one (an unread page's
   * rows are no newer than the last read page's {@code last_at}).
   */
  private final class Lookup {
    private final DecisionQuery q;
    private final int wanted;
    private final PriorityQueue<Keyed> buffered = new PriorityQueue<>(NEWEST_FIRST);
    private final List<Keyed> out = new ArrayList<>();
    private OffsetDateTime pageAt;
    private Long pageId;

    Lookup(DecisionQuery q) {
      this.q = q;
      this.wanted = q.limit() + 1;
    }

    Future<List<Keyed>> next(int chunk) {
      return pages(chunk).compose(pages -> {
        if (pages.isEmpty()) {
          release(null);
          return Future.succeededFuture(out);
        }
        Row last = pages.get(pages.size() - 1);
        pageAt = last.getOffsetDateTime("last_at");
        pageId = last.getLong("id");
        Long[] ids = pages.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        return rows(ids).compose(rows -> {
          buffered.addAll(rows);
          release(pageAt.toInstant());
          if (out.size() >= wanted) {
            return Future.succeededFuture(out.subList(0, wanted));
          }
          return next(Math.min(chunk * 2, MAX_CHUNK));
        });
      });
    }

    /** Moves the buffered rows newer than {@code bound} (all when null) to the answer, newest first. */
    private void release(Instant bound) {
      while (!buffered.isEmpty() && out.size() < wanted
          && (bound == null || buffered.peek().cursor().at().isAfter(bound))) {
        out.add(buffered.poll());
      }
    }

    private Future<List<Row>> pages(int chunk) {
      StringBuilder sql = new StringBuilder("SELECT id, last_at FROM decision_log_page WHERE true");
      List<Object> args = new ArrayList<>();
      if (q.subjects() != null) {
        sql.append(" AND ").append(PageBloom.sqlMayContainAny("subject_filter", q.subjects().size(), args.size() + 1));
        q.subjects().forEach(s -> addHashes(args, s));
      }
      if (q.resource() != null) {
        sql.append(" AND ").append(PageBloom.sqlMayContainAny("resource_filter", 1, args.size() + 1));
        addHashes(args, q.resource());
      }
      if (q.since() != null) {
        args.add(q.since().atOffset(ZoneOffset.UTC));
        sql.append(" AND last_at >= $").append(args.size());
      }
      if (q.until() != null) {
        args.add(q.until().atOffset(ZoneOffset.UTC));
        sql.append(" AND first_at < $").append(args.size());
      }
      if (q.after() != null) {
        args.add(q.after().at().atOffset(ZoneOffset.UTC));
        sql.append(" AND first_at <= $").append(args.size());
      }
      if (pageId != null) {
        args.add(pageAt);
        args.add(pageId);
        sql.append(" AND (last_at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(')');
      }
      args.add(chunk);
      sql.append(" ORDER BY last_at DESC, id DESC LIMIT $").append(args.size());
      return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(rows -> {
        List<Row> out = new ArrayList<>(rows.size());
        rows.forEach(out::add);
        return out;
      });
    }

    private static void addHashes(List<Object> args, String id) {
      PageBloom.Hashes h = PageBloom.hashes(id);
      args.add(h.h1());
      args.add(h.h2());
    }

    private Future<List<Keyed>> rows(Long[] pageIds) {
      StringBuilder sql = new StringBuilder("SELECT r.* FROM ").append(PAGE_ROWS)
          .append(" WHERE p.id = ANY($1::bigint[])");
      List<Object> args = new ArrayList<>();
      args.add(pageIds);
      if (q.subjects() != null) {
        args.add(q.subjects().toArray(String[]::new));
        sql.append(" AND r.subject_id = ANY($").append(args.size()).append("::text[])");
      }
      if (q.resource() != null) {
        args.add(q.resource());
        sql.append(" AND r.resource_id = $").append(args.size());
      }
      if (q.decision() != null) {
        args.add(q.decision());
        sql.append(" AND r.decision = $").append(args.size());
      }
      if (q.simulated() != null) {
        args.add(q.simulated());
        sql.append(" AND coalesce(r.simulated, false) = $").append(args.size());
      }
      if (q.since() != null) {
        args.add(q.since().atOffset(ZoneOffset.UTC));
        sql.append(" AND r.decided_at >= $").append(args.size());
      }
      if (q.until() != null) {
        args.add(q.until().atOffset(ZoneOffset.UTC));
        sql.append(" AND r.decided_at < $").append(args.size());
      }
      if (q.after() != null) {
        args.add(q.after().at().atOffset(ZoneOffset.UTC));
        args.add(q.after().id());
        sql.append(" AND (r.decided_at, r.id) < ($").append(args.size() - 1).append(", $").append(args.size())
            .append(')');
      }
      return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(rows -> {
        List<Keyed> found = new ArrayList<>(rows.size());
        for (Row r : rows) {
          found.add(new Keyed(new DecisionQuery.Cursor(r.getOffsetDateTime("decided_at").toInstant(), r.getUUID("id")),
              json(r)));
        }
        return found;
      });
    }
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
    o.put("request", request instanceof JsonObject j ? j : request == null ? new JsonObject()
        : new JsonObject(String.valueOf(request)));
    putIf(o, "decision", r.getBoolean("decision"));
    o.put("simulated", Boolean.TRUE.equals(r.getBoolean("simulated")));
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
