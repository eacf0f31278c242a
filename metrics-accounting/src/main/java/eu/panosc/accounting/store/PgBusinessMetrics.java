package eu.panosc.accounting.store;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.rollup.SessionLengths;
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
 * combination), {@code usage_session} (each session's span) and {@code session_hist} (session-length histograms per
 * bucket and dimension group, see {@link SessionLengths}), all maintained by the roll-up worker in key order, and read
 * by reports without touching {@code usage_record}; the sessions' count and median come from the histograms (plus the
 * few long sessions), so their cost does not grow with the number of sessions.
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

  private static final String SPANS = "SELECT facility, session, installation, proposal, community, first_start, "
      + "last_end FROM usage_session WHERE (facility, session) IN (SELECT * FROM unnest($1::text[], $2::text[]))";
  private static final DeltaUpsert HIST = new DeltaUpsert("session_hist", List.of(
      DeltaUpsert.col("granularity", "text"), DeltaUpsert.col("bucket", "timestamptz"),
      DeltaUpsert.col("crossing", "boolean"), DeltaUpsert.col("facility", "text"),
      DeltaUpsert.col("installation", "text"), DeltaUpsert.col("proposal", "text"),
      DeltaUpsert.col("community", "text"), DeltaUpsert.col("bin", "integer")),
      List.of(DeltaUpsert.col("sessions", "bigint")));
  private static final String HIST_UPSERT = HIST.upsert();
  private static final String HIST_EMPTY = "DELETE FROM session_hist WHERE sessions = 0 AND (granularity, bucket, "
      + "crossing, facility, installation, proposal, community, bin) IN (SELECT * FROM unnest($1::text[], "
      + "$2::timestamptz[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[]))";
  /** Up to this many sessions in a period, the median is exact (read from the sessions); above, from histograms. */
  static final long EXACT_MEDIAN_SESSIONS = 10_000;

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
    return first.compose(v -> sessions.isEmpty() ? Future.<Void>succeededFuture()
        : spans(conn, sessions).compose(old -> upsertSessions(conn, sessions)
            .compose(x -> histograms(conn, sessions, old))));
  }

  /** The stored spans (installation, proposal, community, first start, last end) of these sessions. */
  private static Future<Map<List<String>, Object[]>> spans(SqlConnection conn, TreeMap<List<String>, Object[]> keys) {
    String[] facility = new String[keys.size()];
    String[] session = new String[keys.size()];
    int i = 0;
    for (List<String> k : keys.keySet()) {
      facility[i] = k.get(0);
      session[i++] = k.get(1);
    }
    return conn.preparedQuery(SPANS).execute(Tuple.from(new Object[] {facility, session})).map(rows -> {
      Map<List<String>, Object[]> old = new java.util.HashMap<>();
      for (Row r : rows) {
        old.put(List.of(r.getString("facility"), r.getString("session")), new Object[] {r.getString("installation"),
            r.getString("proposal"), r.getString("community"), r.getOffsetDateTime("first_start").toInstant(),
            r.getOffsetDateTime("last_end").toInstant()});
      }
      return old;
    });
  }

  /**
   * Moves each session whose span the batch changed from its old histogram buckets and bin to its new ones (the
   * session's dimensions are those stored first, as in usage_session); rows reaching 0 are deleted.
   */
  private static Future<Void> histograms(SqlConnection conn, TreeMap<List<String>, Object[]> batch,
      Map<List<String>, Object[]> old) {
    TreeMap<HistKey, Long> delta = new TreeMap<>();
    for (Map.Entry<List<String>, Object[]> e : batch.entrySet()) {
      Object[] in = e.getValue();
      Object[] was = old.get(e.getKey());
      String facility = e.getKey().get(0);
      if (was == null) {
        count(delta, facility, in, (Instant) in[3], (Instant) in[4], 1);
        continue;
      }
      Instant start = min((Instant) was[3], (Instant) in[3]);
      Instant end = max((Instant) was[4], (Instant) in[4]);
      if (start.equals(was[3]) && end.equals(was[4])) {
        continue; // the span did not change
      }
      count(delta, facility, was, (Instant) was[3], (Instant) was[4], -1);
      count(delta, facility, was, start, end, 1);
    }
    delta.values().removeIf(n -> n == 0);
    if (delta.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = delta.size();
    String[] granularity = new String[n];
    OffsetDateTime[] bucket = new OffsetDateTime[n];
    Boolean[] crossing = new Boolean[n];
    String[][] dims = new String[4][n];
    Integer[] bin = new Integer[n];
    Long[] sessions = new Long[n];
    int i = 0;
    for (Map.Entry<HistKey, Long> e : delta.entrySet()) {
      HistKey k = e.getKey();
      granularity[i] = k.granularity();
      bucket[i] = utc(k.bucket());
      crossing[i] = k.crossing();
      dims[0][i] = k.facility();
      dims[1][i] = k.installation();
      dims[2][i] = k.proposal();
      dims[3][i] = k.community();
      bin[i] = k.bin();
      sessions[i++] = e.getValue();
    }
    Tuple keys = Tuple.from(new Object[] {granularity, bucket, crossing, dims[0], dims[1], dims[2], dims[3], bin});
    return conn.preparedQuery(HIST_UPSERT).execute(Tuple.from(new Object[] {granularity, bucket, crossing, dims[0],
        dims[1], dims[2], dims[3], bin, sessions})).compose(v -> conn.preparedQuery(HIST_EMPTY).execute(keys))
        .mapEmpty();
  }

  /** Adds {@code sign} to every histogram row a session of that span and dimensions is counted in (none if long). */
  private static void count(TreeMap<HistKey, Long> delta, String facility, Object[] dims, Instant start, Instant end,
      long sign) {
    if (SessionLengths.isLong(start, end)) {
      return;
    }
    int bin = SessionLengths.bin(start, end);
    for (Granularity g : Granularity.values()) {
      for (SessionLengths.Bucket b : SessionLengths.buckets(g, start, end)) {
        delta.merge(new HistKey(g.wire(), b.start(), b.crossing(), facility, (String) dims[0], (String) dims[1],
            (String) dims[2], bin), sign, Long::sum);
      }
    }
  }

  /** A session_hist key, ordered as the table's primary key (so upserts lock rows in one order). */
  private record HistKey(String granularity, Instant bucket, boolean crossing, String facility, String installation,
      String proposal, String community, int bin) implements Comparable<HistKey> {
    @Override
    public int compareTo(HistKey o) { // by hand: the roll-up compares many of these (a comparator chain cost 10 %)
      int c = granularity.compareTo(o.granularity);
      if (c == 0) {
        c = bucket.compareTo(o.bucket);
      }
      if (c == 0) {
        c = Boolean.compare(crossing, o.crossing);
      }
      if (c == 0) {
        c = facility.compareTo(o.facility);
      }
      if (c == 0) {
        c = installation.compareTo(o.installation);
      }
      if (c == 0) {
        c = proposal.compareTo(o.proposal);
      }
      if (c == 0) {
        c = community.compareTo(o.community);
      }
      return c != 0 ? c : Integer.compare(bin, o.bin);
    }
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
    return read(pool, q, EXACT_MEDIAN_SESSIONS);
  }

  /** {@link #read(Pool, ReportQuery)}, the median exact up to {@code exactUpTo} sessions (tests set 0 or more). */
  static Future<BusinessMetrics> read(Pool pool, ReportQuery q, long exactUpTo) {
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
    return pool.preparedQuery(active).execute(Tuple.from(p1)).compose(a -> pool.preparedQuery(fresh)
        .execute(Tuple.from(p2)).compose(f -> sessions(pool, q, exactUpTo).map(s -> new BusinessMetrics(
            a.iterator().next().getLong("n"), f.iterator().next().getLong("n"), s.count(), s.median()))));
  }

  /** The sessions overlapping a period: how many, and their median length in seconds (null when none). */
  private record Sessions(long count, BigDecimal median) {}

  /**
   * The sessions overlapping the query's period from the histograms of its buckets plus the long sessions one by one
   * (see {@link SessionLengths}): the work grows with bins × groups, not sessions. Up to {@code exactUpTo} sessions,
   * the median is then computed exactly from those sessions (found through the span index); above, from the bins.
   */
  private static Future<Sessions> sessions(Pool pool, ReportQuery q, long exactUpTo) {
    Granularity g = q.granularity();
    Instant lastBucket = g.floor(q.to().minus(1, java.time.temporal.ChronoUnit.MICROS));
    List<Object> ph = new ArrayList<>(List.of(g.wire(), utc(q.from()), utc(q.to()), utc(lastBucket)));
    String filters = dimensionFilters(q, ph);
    String histogram = "SELECT bin, sum(n)::bigint AS n FROM (SELECT bin, sessions AS n FROM session_hist WHERE "
        + "granularity = $1 AND bucket >= $2 AND bucket < $3 AND NOT crossing" + filters + " UNION ALL SELECT bin, "
        + "-sessions FROM session_hist WHERE granularity = $1 AND bucket >= $2 AND bucket < $4 AND crossing" + filters
        + ") h GROUP BY bin HAVING sum(n) <> 0";
    List<Object> pl = new ArrayList<>(List.of(utc(q.from()), utc(q.to())));
    String overlap = " tstzrange(first_start, last_end, '[]') && tstzrange($1, $2, '[)') AND first_start < $2 AND "
        + "(last_end > $1 OR first_start >= $1)" + dimensionFilters(q, pl);
    String longOnes = "SELECT first_start, last_end FROM usage_session WHERE last_end - first_start > interval '"
        + SessionLengths.LONG.toDays() + " days' AND" + overlap;
    return pool.preparedQuery(histogram).execute(Tuple.from(ph)).compose(h -> pool.preparedQuery(longOnes)
        .execute(Tuple.from(pl)).compose(l -> {
          java.util.TreeMap<Integer, Long> bins = new java.util.TreeMap<>();
          long total = 0;
          for (Row r : h) {
            bins.merge(r.getInteger("bin"), r.getLong("n"), Long::sum);
            total += r.getLong("n");
          }
          for (Row r : l) {
            bins.merge(SessionLengths.bin(r.getOffsetDateTime("first_start").toInstant(),
                r.getOffsetDateTime("last_end").toInstant()), 1L, Long::sum);
            total++;
          }
          if (total == 0) {
            return Future.succeededFuture(new Sessions(0, null));
          }
          if (total > exactUpTo) {
            return Future.succeededFuture(new Sessions(total, SessionLengths.median(bins)));
          }
          String exact = "SELECT count(*) AS n, (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "
              + "last_end - first_start)))::numeric::text AS median FROM usage_session WHERE" + overlap;
          return pool.preparedQuery(exact).execute(Tuple.from(pl)).map(s -> {
            Row sr = s.iterator().next();
            String median = sr.getString("median");
            return new Sessions(sr.getLong("n"), median == null ? null : plain(median));
          });
        }));
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
