package eu.panosc.accounting.store;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables behind the business-model metrics: {@code user_first_seen} (earliest start per user and dimension
 * combination) and {@code usage_session} (each session's span), both maintained by upserts in the ingest
 * transaction, in key order (so that concurrent replicas neither race nor deadlock), and read by reports without
 * touching {@code usage_record}.
 */
final class PgBusinessMetrics {
  private static final String FIRST_SEEN = "INSERT INTO user_first_seen AS f (facility, installation, proposal, "
      + "community, user_id, first_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
      + "$6::timestamptz[]) ON CONFLICT (facility, installation, proposal, community, user_id) DO UPDATE SET "
      + "first_at = least(f.first_at, excluded.first_at) WHERE excluded.first_at < f.first_at";
  private static final String SESSIONS = "INSERT INTO usage_session AS s (facility, session, installation, proposal, "
      + "community, first_start, last_end) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
      + "$5::text[], $6::timestamptz[], $7::timestamptz[]) ON CONFLICT (facility, session) DO UPDATE SET "
      + "first_start = least(s.first_start, excluded.first_start), last_end = greatest(s.last_end, excluded.last_end) "
      + "WHERE excluded.first_start < s.first_start OR excluded.last_end > s.last_end";

  private PgBusinessMetrics() {}

  /** Records the users and sessions of the records that counted in this batch (new or replacing). */
  static Future<Void> maintain(SqlConnection conn, List<UsageRecord> counted) {
    TreeMap<List<String>, Instant> firstSeen = new TreeMap<>(PgBusinessMetrics::compare);
    TreeMap<List<String>, Object[]> sessions = new TreeMap<>(PgBusinessMetrics::compare);
    for (UsageRecord r : counted) {
      if (r.user() != null) {
        firstSeen.merge(List.of(r.facility(), r.installation(), blank(r.proposal()), blank(r.community()), r.user()),
            r.start(), (a, b) -> a.isBefore(b) ? a : b);
      }
      if (r.session() != null) {
        sessions.merge(List.of(r.facility(), r.session()), new Object[] {r.installation(), blank(r.proposal()),
            blank(r.community()), r.start(), r.end()}, (a, b) -> new Object[] {a[0], a[1], a[2],
            min((Instant) a[3], (Instant) b[3]), max((Instant) a[4], (Instant) b[4])});
      }
    }
    Future<Void> first = firstSeen.isEmpty() ? Future.succeededFuture() : upsertFirstSeen(conn, firstSeen);
    return first.compose(v -> sessions.isEmpty() ? Future.<Void>succeededFuture() : upsertSessions(conn, sessions));
  }

  private static Future<Void> upsertFirstSeen(SqlConnection conn, TreeMap<List<String>, Instant> rows) {
    int n = rows.size();
    String[][] text = new String[5][n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    int i = 0;
    for (Map.Entry<List<String>, Instant> e : rows.entrySet()) {
      for (int c = 0; c < 5; c++) {
        text[c][i] = e.getKey().get(c);
      }
      at[i++] = utc(e.getValue());
    }
    return conn.preparedQuery(FIRST_SEEN).execute(Tuple.from(new Object[] {text[0], text[1], text[2], text[3],
        text[4], at})).mapEmpty();
  }

  private static Future<Void> upsertSessions(SqlConnection conn, TreeMap<List<String>, Object[]> rows) {
    int n = rows.size();
    String[][] text = new String[5][n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    OffsetDateTime[] end = new OffsetDateTime[n];
    int i = 0;
    for (Map.Entry<List<String>, Object[]> e : rows.entrySet()) {
      Object[] v = e.getValue();
      text[0][i] = e.getKey().get(0);
      text[1][i] = e.getKey().get(1);
      text[2][i] = (String) v[0];
      text[3][i] = (String) v[1];
      text[4][i] = (String) v[2];
      start[i] = utc((Instant) v[3]);
      end[i++] = utc((Instant) v[4]);
    }
    return conn.preparedQuery(SESSIONS).execute(Tuple.from(new Object[] {text[0], text[1], text[2], text[3],
        text[4], start, end})).mapEmpty();
  }

  /**
   * Active users (distinct users with usage of the query's metrics in the period, from {@code rollup_user}), new
   * users (whose earliest start within the filtered dimensions lies in the period) and the sessions overlapping the
   * period with their exact median length. The metric filter applies to active users only.
   */
  static Future<BusinessMetrics> read(Pool pool, ReportQuery q) {
    List<Object> p1 = new ArrayList<>(List.of(q.granularity().wire(), utc(q.from()), utc(q.to())));
    int grouping = q.metrics().size() > 1 ? -1
        : PgAccountingStore.groupingFor(q.granularity(), false, q.from(), q.to(), List.of(), q.filters());
    String active;
    if (grouping >= 0) {
      // the month's exact user count of the filtered group, for the one metric or all ('')
      p1.add((short) grouping);
      p1.add(q.metrics().isEmpty() ? "" : q.metrics().getFirst().wire());
      active = "SELECT coalesce(sum(users), 0)::bigint AS n FROM rollup_group_users WHERE $1::text IS NOT NULL AND "
          + "bucket >= $2 AND bucket < $3 AND grouping = $4 AND metric = $5" + dimensionFilters(q, p1);
    } else {
      active = "SELECT count(DISTINCT user_id) AS n FROM rollup_user WHERE granularity = $1 AND bucket >= $2 "
          + "AND bucket < $3 AND refs > 0" + PgAccountingStore.filters(q, p1);
    }
    List<Object> p2 = new ArrayList<>(List.of(utc(q.from()), utc(q.to())));
    String fresh = "SELECT count(*) AS n FROM (SELECT user_id FROM user_first_seen WHERE first_at < $2"
        + dimensionFilters(q, p2) + " GROUP BY user_id HAVING min(first_at) >= $1) f";
    List<Object> p3 = new ArrayList<>(List.of(utc(q.from()), utc(q.to())));
    String sessions = "SELECT count(*) AS n, (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "
        + "last_end - first_start)))::numeric::text AS median FROM usage_session WHERE first_start < $2 AND "
        + "(last_end > $1 OR first_start >= $1)" + dimensionFilters(q, p3);
    return pool.preparedQuery(active).execute(Tuple.from(p1)).compose(a -> pool.preparedQuery(fresh)
        .execute(Tuple.from(p2)).compose(f -> pool.preparedQuery(sessions).execute(Tuple.from(p3)).map(s -> {
          Row sr = s.iterator().next();
          String median = sr.getString("median");
          return new BusinessMetrics(a.iterator().next().getLong("n"), f.iterator().next().getLong("n"),
              sr.getLong("n"), median == null ? null : plain(median));
        })));
  }

  /** {@code AND <column> = ANY($n::text[])} per filtered dimension, the values appended to {@code params}. */
  static String dimensionFilters(ReportQuery q, List<Object> params) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Dimension, List<String>> f : q.filters().entrySet()) {
      params.add(f.getValue().toArray(String[]::new));
      sb.append(" AND ").append(f.getKey().wire()).append(" = ANY($").append(params.size()).append("::text[])");
    }
    return sb.toString();
  }

  private static BigDecimal plain(String numeric) {
    BigDecimal d = new BigDecimal(numeric).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static String blank(String s) {
    return s == null ? "" : s;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
