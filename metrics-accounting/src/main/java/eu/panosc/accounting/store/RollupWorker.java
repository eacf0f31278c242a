package eu.panosc.accounting.store;

import static eu.panosc.accounting.store.DeltaUpsert.col;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.rollup.RollupDelta;
import eu.panosc.accounting.rollup.RollupKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Folds the journal of acknowledged records ({@code rollup_pending}, written in the ingest transaction) into the
 * rollups and the business-metric tables. One step is one transaction: it takes the advisory lock {@link #LOCK} (one
 * worker at a time across replicas), claims journal rows with {@code DELETE ... RETURNING} (a row is applied by the
 * transaction that deletes it, so a crash before the commit leaves it pending and a commit applies it exactly once),
 * and applies their deltas with one set-based upsert per table, keys in a fixed order.
 *
 * <p>Readers that must be exact call {@link #await}: it helps (it runs steps itself, waiting for the lock at most
 * the read wait) until every journal row acknowledged before the call is applied, or the wait is over; the status
 * it answers says how complete the rollups are. {@link #start} runs steps in the background and keeps the lag
 * meters. The background steps yield to ingest: they start (or go on) only once this replica has acknowledged no
 * batch for {@link #QUIET} and has none on its way (being received, parsed or stored), unless the oldest record
 * this replica acknowledged and has not seen rolled up is older than {@link #MAX_YIELD}: a burst of batches is
 * acknowledged at full speed and rolled up right after it, and under sustained load the lag stays near that bound (readers still wait for, and help with, what they need).
 */
public final class RollupWorker {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RollupWorker.class);
  /** Key of the advisory lock held by the one worker step running at a time ("panoscRL"). */
  static final long LOCK = 0x70616e6f7363524cL;
  /** Journal rows claimed by one step at most. */
  static final int CLAIM_ROWS = 5000;
  /** Hour buckets one step's claimed rows may span together (about), as an ingest batch. */
  static final long CLAIM_HOURS = 200_000;
  public static final String METER_PENDING = "panosc_accounting_rollup_pending_records";
  public static final String METER_LAG = "panosc_accounting_rollup_lag_seconds";
  /** How long after this replica's last acknowledged batch the background steps start (default). */
  public static final Duration QUIET = Duration.ofMillis(200);
  /**
   * The background steps stop yielding to ingest once this replica's oldest unrolled acknowledgement is this old
   * (default).
   */
  public static final Duration MAX_YIELD = Duration.ofSeconds(10);
  public static final String METER_APPLIED = "panosc_accounting_rollup_records_total";

  /** Journal rows (each one ingest batch's entries) until about CLAIM_ROWS entries or CLAIM_HOURS, at least one. */
  private static final String CLAIM = "DELETE FROM rollup_pending WHERE ctid = ANY(ARRAY(SELECT id FROM (SELECT id, "
      + "sum(n) OVER (ROWS UNBOUNDED PRECEDING) - n AS before_n, sum(hours) OVER (ROWS UNBOUNDED PRECEDING) - hours "
      + "AS before_h FROM (SELECT ctid AS id, coalesce(cardinality(sign), records) AS n, hours FROM rollup_pending "
      + "LIMIT 100) s) c "
      + "WHERE before_n < $1 AND before_h < $2)) RETURNING sign, facility, installation, session, user_id, proposal, "
      + "community, metric, start_at, end_at, value::text[] AS value, late, payload";
  private static final List<DeltaUpsert.Column> ROLLUP_KEY = List.of(col("granularity", "text"),
      col("bucket", "timestamptz"), col("facility", "text"), col("installation", "text"), col("proposal", "text"),
      col("community", "text"), col("metric", "text"));
  /** Sums per rollup row (numeric sums sent as text). */
  static final DeltaUpsert ROLLUP = new DeltaUpsert("rollup", ROLLUP_KEY, List.of(col("value", "text", "numeric"),
      col("late_value", "text", "numeric"), col("records", "int8"), col("late_records", "int8")));
  /** Reference counts of the users of each rollup row. */
  static final DeltaUpsert USERS = new DeltaUpsert("rollup_user", java.util.stream.Stream.concat(ROLLUP_KEY.stream(),
      java.util.stream.Stream.of(col("user_id", "text"))).toList(), List.of(col("refs", "int8")));
  /** Reference counts of the month user sets per report grouping. */
  static final DeltaUpsert GROUP_USER = new DeltaUpsert("rollup_group_user", List.of(col("bucket", "timestamptz"),
      col("grouping", "int2"), col("facility", "text"), col("community", "text"), col("metric", "text"),
      col("user_id", "text")), List.of(col("refs", "int8")));
  /** The sizes of those sets. */
  static final DeltaUpsert GROUP_USERS = new DeltaUpsert("rollup_group_users", List.of(col("bucket", "timestamptz"),
      col("grouping", "int2"), col("facility", "text"), col("community", "text"), col("metric", "text")),
      List.of(col("users", "int8")));
  /** The user upsert; answers the members whose count reached exactly 0 (to {@link #LEAVE}). */
  private static final String USERS_UPSERT = "WITH up AS (" + USERS.upsert() + " RETURNING granularity, bucket, "
      + "facility, installation, proposal, community, metric, user_id, refs) SELECT granularity, bucket, facility, "
      + "installation, proposal, community, metric, user_id FROM up WHERE refs = 0";
  /** A user whose reference count reached exactly 0 leaves the set (a negative count waits for its +1). */
  private static final String LEAVE = USERS.leave();
  /** The group members' upsert; answers those that joined or left (their count crossed 0) and those at exactly 0. */
  private static final String GROUP_USERS_UPSERT = "WITH d AS (SELECT * FROM " + GROUP_USER.input() + "), up AS ("
      + GROUP_USER.upsertFrom("d") + " RETURNING bucket, grouping, facility, community, metric, user_id, refs) "
      + "SELECT up.bucket, up.grouping, up.facility, up.community, up.metric, up.user_id, up.refs, up.refs - d.refs "
      + "AS old FROM up JOIN d USING (bucket, grouping, facility, community, metric, user_id) WHERE (up.refs > 0) <> "
      + "(up.refs - d.refs > 0) OR up.refs = 0";
  private static final String ROLLUP_UPSERT = ROLLUP.upsert();
  private static final String GROUP_COUNTS = GROUP_USERS.upsert();
  private static final String GROUP_LEAVE = GROUP_USER.leave();
  /** The groupings kept in {@code rollup_group_user}: bit 1 facility, bit 4 community. */
  static final int[] GROUPINGS = {0, 1, 4, 5};
  private static final String STATUS = "SELECT coalesce(sum(records), 0)::bigint AS pending, min(queued_at) AS oldest, "
      + "now() AS now FROM rollup_pending";
  private static final String ANY_PENDING = "SELECT now() AS now, EXISTS (SELECT 1 FROM rollup_pending) AS pending";
  private static final String PENDING_BEFORE = "SELECT EXISTS (SELECT 1 FROM rollup_pending WHERE queued_at <= $1) "
      + "AS pending";

  private final Pool pool;
  private final Duration readWait;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicLong pendingGauge = new AtomicLong();
  private volatile double lagSeconds;
  private volatile Vertx vertx;
  private volatile boolean stopped;
  /** System.nanoTime() of this replica's last acknowledged batch. */
  private final Duration quiet;
  private final Duration maxYield;
  private volatile long lastIngest;
  /** System.nanoTime() of the first batch acknowledged since the background steps last found nothing; 0: none. */
  private final AtomicLong unrolledSince = new AtomicLong();
  /** Batches of this replica under way (see {@link #ingestStarted}). */
  private final AtomicInteger ingesting = new AtomicInteger();
  private volatile long timer = -1;
  private Counter applied;

  /** @param readWait how long {@link #await} waits at most for the rollups to catch up */
  public RollupWorker(Pool pool, Duration readWait) {
    this(pool, readWait, QUIET, MAX_YIELD);
  }

  /**
   * @param readWait how long {@link #await} waits at most for the rollups to catch up
   * @param quiet how long after this replica's last acknowledged batch the background steps start
   * @param maxYield how old this replica's oldest unrolled acknowledgement may get before the background steps stop
   *     yielding to ingest
   */
  public RollupWorker(Pool pool, Duration readWait, Duration quiet, Duration maxYield) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.readWait = Objects.requireNonNull(readWait, "readWait");
    this.quiet = Objects.requireNonNull(quiet, "quiet");
    this.maxYield = Objects.requireNonNull(maxYield, "maxYield");
    this.lastIngest = System.nanoTime() - quiet.toNanos();
  }

  /** A worker whose reads wait at most 2 s. */
  public RollupWorker(Pool pool) {
    this(pool, Duration.ofSeconds(2));
  }

  /** Runs steps in the background every {@code interval} and after each {@link #kick}; registers the lag meters. */
  public void start(Vertx v, Duration interval, MeterRegistry meters) {
    start(v, interval, meters, null);
  }

  /**
   * As {@link #start(Vertx, Duration, MeterRegistry)}, but the periodic steps run only on the replica leading
   * {@code leader} (eu.panosc.platform.leader); the kicks after this replica's own ingests still run here, so its
   * reads wait no longer than before.
   */
  public void start(Vertx v, Duration interval, MeterRegistry meters, eu.panosc.platform.leader.Singleton leader) {
    applied = meters.counter(METER_APPLIED);
    Gauge.builder(METER_PENDING, pendingGauge, AtomicLong::get).register(meters);
    Gauge.builder(METER_LAG, this, w -> w.lagSeconds).baseUnit("seconds").register(meters);
    this.vertx = v;
    timer = v.setPeriodic(Math.max(1, Math.min(interval.toMillis(), quiet.toMillis())), id -> {
      if (leader == null) {
        kick();
      } else {
        leader.ifLeader(() -> {
          kick();
          return io.vertx.core.Future.succeededFuture();
        });
      }
    });
  }

  /** A batch was acknowledged: the background steps yield for a moment (see the class comment). */
  public void acknowledged() {
    long now = System.nanoTime();
    lastIngest = now;
    unrolledSince.compareAndSet(0, now);
  }

  /**
   * A batch of this replica is on its way (received, parsed, stored): the background steps yield until it ends
   * (bounded as above).
   */
  public void ingestStarted() {
    ingesting.incrementAndGet();
  }

  /** The batch announced by {@link #ingestStarted} ended, committed, refused or failed. */
  public void ingestEnded() {
    ingesting.decrementAndGet();
  }

  /** Batches of this replica under way now. */
  int ingesting() {
    return ingesting.get();
  }

  /**
   * Whether the background steps should leave the machine to ingest now: within the quiet time ({@link #QUIET}
   * unless configured) of the last acknowledged batch, or while a batch of this replica is on its way (received,
   * parsed, stored) once it has acknowledged work not yet rolled up (batches under way back to back leave gaps
   * longer than QUIET between their acknowledgements) — never once that work is the maximum yield ({@link #MAX_YIELD} unless configured) old.
   */
  boolean yielding() {
    long now = System.nanoTime();
    long since = unrolledSince.get();
    if (since != 0 && now - since >= maxYield.toNanos()) {
      return false;
    }
    return now - lastIngest < quiet.toNanos() || (since != 0 && ingesting.get() > 0);
  }

  /** Stops the background steps (a step under way finishes; what it did not claim stays pending). */
  public void stop() {
    Vertx v = vertx;
    if (v != null && timer >= 0) {
      v.cancelTimer(timer);
    }
    vertx = null;
    stopped = true;
  }

  /**
   * Starts background steps now unless they run already (then they run once more) or yield to ingest; a no-op
   * unless started.
   */
  public void kick() {
    if (vertx == null || yielding()) {
      return;
    }
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    again.set(false);
    long started = System.nanoTime();
    drain().onComplete(r -> {
      running.set(false);
      if (r.failed()) {
        // the claimed rows of the failed step stay pending; the next tick tries again
        if (stopped) {
          // a step cut by the shutdown (its pool closing): the journal keeps its rows for the next start
          LOG.debug("roll-up step ended by the shutdown; its rows stay pending: {}", r.cause().getMessage());
        } else {
          LOG.warn("roll-up step failed; retrying on the next tick: {}", r.cause().toString());
        }
      }
      if (r.succeeded() && !yielding()) {
        // ran until nothing was left (or another replica holds the lock): what was acknowledged before is done
        unrolledSince.updateAndGet(since -> since != 0 && since < started ? 0 : since);
      }
      status().onSuccess(s -> {
        pendingGauge.set(s.pendingRecords());
        lagSeconds = s.pendingRecords() == 0 ? 0 : Math.max(0,
            Duration.between(s.completeUntil(), Instant.now()).toMillis() / 1000.0);
      });
      if (again.get()) {
        kick();
      }
    });
  }

  /** Steps until nothing is pending or another worker holds the lock; the journal rows applied. */
  public Future<Long> drain() {
    return drain(0);
  }

  private Future<Long> drain(long done) {
    return step(null).compose(n -> n > 0 && !stopped && !(vertx != null && yielding()) ? drain(done + n)
        : Future.succeededFuture(done + n));
  }

  /**
   * One step: claims up to {@link #CLAIM_ROWS} journal rows and applies them, in one transaction. Without
   * {@code lockWait} it gives up at once when another worker holds the lock (answers 0); with it, it waits that long
   * for the lock and fails with the lock timeout after.
   */
  Future<Integer> step(Duration lockWait) {
    return pool.withTransaction(conn -> lock(conn, lockWait).compose(locked -> {
      if (!locked) {
        return Future.succeededFuture(0);
      }
      return conn.preparedQuery(CLAIM).execute(Tuple.of(CLAIM_ROWS, CLAIM_HOURS))
          .compose(rows -> apply(conn, rows));
    })).onSuccess(n -> {
      if (applied != null) {
        applied.increment(n);
      }
    });
  }

  private static Future<Boolean> lock(SqlConnection conn, Duration wait) {
    if (wait == null) {
      return conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS ok").execute(Tuple.of(LOCK))
          .map(rs -> rs.iterator().next().getBoolean("ok"));
    }
    long ms = Math.max(1, wait.toMillis());
    return conn.query("SET LOCAL lock_timeout = " + ms).execute()
        .compose(v -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK)))
        .map(rs -> true);
  }

  /** Applies the claimed journal rows; the number of entries. */
  private static Future<Integer> apply(SqlConnection conn, RowSet<Row> claimed) {
    if (claimed.rowCount() == 0) {
      return Future.succeededFuture(0);
    }
    RollupDelta delta = new RollupDelta();
    List<UsageRecord> counted = new ArrayList<>();
    int entries = 0;
    for (Row row : claimed) {
      String payload = row.getString("payload");
      if (payload != null) {
        // a COPY batch's row (V6): its records as COPY text, each a +1 entry
        for (UsageRecord r : CopyText.read(payload)) {
          delta.add(r);
          counted.add(r);
          entries++;
        }
        continue;
      }
      Short[] sign = row.getArrayOfShorts("sign");
      String[] facility = row.getArrayOfStrings("facility");
      String[] installation = row.getArrayOfStrings("installation");
      String[] session = row.getArrayOfStrings("session");
      String[] user = row.getArrayOfStrings("user_id");
      String[] proposal = row.getArrayOfStrings("proposal");
      String[] community = row.getArrayOfStrings("community");
      String[] metric = row.getArrayOfStrings("metric");
      OffsetDateTime[] start = row.getArrayOfOffsetDateTimes("start_at");
      OffsetDateTime[] end = row.getArrayOfOffsetDateTimes("end_at");
      String[] value = row.getArrayOfStrings("value");
      Boolean[] late = row.getArrayOfBooleans("late");
      for (int i = 0; i < sign.length; i++) {
        UsageRecord r = new UsageRecord("journal", "", facility[i], installation[i], null, session[i], user[i],
            proposal[i], community[i], Metric.parse(metric[i]).orElseThrow(), start[i].toInstant(),
            end[i].toInstant(), new BigDecimal(value[i]), false, late[i]);
        if (sign[i] > 0) {
          delta.add(r);
          counted.add(r);
        } else {
          delta.subtract(r);
        }
      }
      entries += sign.length;
    }
    int applied = entries;
    return sums(conn, delta).compose(v -> users(conn, delta)).compose(v -> groups(conn, delta))
        .compose(v -> PgBusinessMetrics.maintain(conn, counted)).map(v -> applied);
  }

  private static Future<Void> sums(SqlConnection conn, RollupDelta delta) {
    Map<RollupKey, RollupDelta.Sums> sums = delta.sums();
    if (sums.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = sums.size();
    Columns k = new Columns(n);
    String[] value = new String[n];
    String[] late = new String[n];
    Long[] records = new Long[n];
    Long[] lateRecords = new Long[n];
    int i = 0;
    for (Map.Entry<RollupKey, RollupDelta.Sums> e : sums.entrySet()) {
      k.set(i, e.getKey());
      value[i] = e.getValue().value().toPlainString();
      late[i] = e.getValue().lateValue().toPlainString();
      records[i] = e.getValue().records();
      lateRecords[i++] = e.getValue().lateRecords();
    }
    return conn.preparedQuery(ROLLUP_UPSERT).execute(Tuple.from(new Object[] {k.granularity, k.bucket, k.facility,
        k.installation, k.proposal, k.community, k.metric, value, late, records, lateRecords})).mapEmpty();
  }

  private static Future<Void> users(SqlConnection conn, RollupDelta delta) {
    Map<RollupDelta.UserKey, Long> users = delta.users();
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = users.size();
    Columns k = new Columns(n);
    String[] user = new String[n];
    Long[] refs = new Long[n];
    int i = 0;
    for (Map.Entry<RollupDelta.UserKey, Long> e : users.entrySet()) {
      k.set(i, e.getKey().row());
      user[i] = e.getKey().user();
      refs[i++] = e.getValue();
    }
    return conn.preparedQuery(USERS_UPSERT).execute(Tuple.from(new Object[] {k.granularity, k.bucket, k.facility,
        k.installation, k.proposal, k.community, k.metric, user, refs})).compose(rows -> {
          List<Row> gone = new ArrayList<>();
          rows.forEach(gone::add);
          return gone.isEmpty() ? Future.<Void>succeededFuture() : leave(conn, gone);
        });
  }

  private static Future<Void> leave(SqlConnection conn, List<Row> gone) {
    int n = gone.size();
    Object[][] cols = new Object[8][];
    cols[1] = new OffsetDateTime[n];
    for (int c : new int[] {0, 2, 3, 4, 5, 6, 7}) {
      cols[c] = new String[n];
    }
    for (int i = 0; i < n; i++) {
      Row r = gone.get(i);
      for (int c = 0; c < 8; c++) {
        cols[c][i] = c == 1 ? r.getOffsetDateTime(c) : r.getString(c);
      }
    }
    return conn.preparedQuery(LEAVE).execute(Tuple.from((Object[]) cols)).mapEmpty();
  }

  /** A member of a month's group set: bucket, grouping, facility, community, metric ('' all), user. */
  private record GroupMember(Instant bucket, int grouping, String facility, String community, String metric,
      String user) implements Comparable<GroupMember> {
    /** By bucket, grouping, facility, community, metric, user; by hand (hot in the roll-up). */
    @Override
    public int compareTo(GroupMember o) {
      int c = bucket.compareTo(o.bucket);
      if (c == 0) {
        c = Integer.compare(grouping, o.grouping);
      }
      if (c == 0) {
        c = facility.compareTo(o.facility);
      }
      if (c == 0) {
        c = community.compareTo(o.community);
      }
      if (c == 0) {
        c = metric.compareTo(o.metric);
      }
      return c != 0 ? c : user.compareTo(o.user);
    }

    GroupMember group() {
      return new GroupMember(bucket, grouping, facility, community, metric, "");
    }
  }

  /**
   * The month user sets per report grouping: each month user delta moves the user's reference count in every
   * grouping (and for its metric and for all metrics); members moving in or out change the group's count.
   */
  private static Future<Void> groups(SqlConnection conn, RollupDelta delta) {
    java.util.TreeMap<GroupMember, Long> members = new java.util.TreeMap<>();
    delta.users().forEach((u, n) -> {
      RollupKey k = u.row();
      if (k.granularity() != eu.panosc.accounting.model.Granularity.MONTH) {
        return;
      }
      for (int g : GROUPINGS) {
        String f = (g & 1) != 0 ? k.facility() : "";
        String c = (g & 4) != 0 ? k.community() : "";
        members.merge(new GroupMember(k.bucket(), g, f, c, k.metric(), u.user()), n, Long::sum);
        members.merge(new GroupMember(k.bucket(), g, f, c, "", u.user()), n, Long::sum);
      }
    });
    members.values().removeIf(n -> n == 0);
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = members.size();
    OffsetDateTime[] bucket = new OffsetDateTime[n];
    Short[] grouping = new Short[n];
    String[][] text = new String[4][n];
    Long[] refs = new Long[n];
    int i = 0;
    for (Map.Entry<GroupMember, Long> e : members.entrySet()) {
      GroupMember m = e.getKey();
      bucket[i] = m.bucket().atOffset(ZoneOffset.UTC);
      grouping[i] = (short) m.grouping();
      text[0][i] = m.facility();
      text[1][i] = m.community();
      text[2][i] = m.metric();
      text[3][i] = m.user();
      refs[i++] = e.getValue();
    }
    return conn.preparedQuery(GROUP_USERS_UPSERT).execute(Tuple.from(new Object[] {bucket, grouping, text[0], text[1],
        text[2], text[3], refs})).compose(rows -> {
          java.util.TreeMap<GroupMember, Long> counts = new java.util.TreeMap<>();
          List<GroupMember> gone = new ArrayList<>();
          for (Row r : rows) {
            GroupMember m = new GroupMember(r.getOffsetDateTime("bucket").toInstant(), r.getInteger("grouping"),
                r.getString("facility"), r.getString("community"), r.getString("metric"), r.getString("user_id"));
            long now = r.getLong("refs");
            long old = r.getLong("old");
            if (now > 0 != old > 0) {
              counts.merge(m.group(), now > 0 ? 1L : -1L, Long::sum);
            }
            if (now == 0) {
              gone.add(m);
            }
          }
          counts.values().removeIf(c -> c == 0);
          return groupCounts(conn, counts).compose(v -> groupLeave(conn, gone));
        });
  }

  private static Future<Void> groupCounts(SqlConnection conn, Map<GroupMember, Long> counts) {
    if (counts.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = counts.size();
    OffsetDateTime[] bucket = new OffsetDateTime[n];
    Short[] grouping = new Short[n];
    String[][] text = new String[3][n];
    Long[] users = new Long[n];
    int i = 0;
    for (Map.Entry<GroupMember, Long> e : counts.entrySet()) {
      GroupMember m = e.getKey();
      bucket[i] = m.bucket().atOffset(ZoneOffset.UTC);
      grouping[i] = (short) m.grouping();
      text[0][i] = m.facility();
      text[1][i] = m.community();
      text[2][i] = m.metric();
      users[i++] = e.getValue();
    }
    return conn.preparedQuery(GROUP_COUNTS).execute(Tuple.from(new Object[] {bucket, grouping, text[0], text[1],
        text[2], users})).mapEmpty();
  }

  private static Future<Void> groupLeave(SqlConnection conn, List<GroupMember> gone) {
    if (gone.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = gone.size();
    OffsetDateTime[] bucket = new OffsetDateTime[n];
    Short[] grouping = new Short[n];
    String[][] text = new String[4][n];
    for (int i = 0; i < n; i++) {
      GroupMember m = gone.get(i);
      bucket[i] = m.bucket().atOffset(ZoneOffset.UTC);
      grouping[i] = (short) m.grouping();
      text[0][i] = m.facility();
      text[1][i] = m.community();
      text[2][i] = m.metric();
      text[3][i] = m.user();
    }
    return conn.preparedQuery(GROUP_LEAVE).execute(Tuple.from(new Object[] {bucket, grouping, text[0], text[1],
        text[2], text[3]})).mapEmpty();
  }

  /** How complete the rollups are now. */
  public Future<RollupStatus> status() {
    return pool.query(STATUS).execute().map(rs -> {
      Row r = rs.iterator().next();
      OffsetDateTime oldest = r.getOffsetDateTime("oldest");
      Instant until = (oldest != null ? oldest : r.getOffsetDateTime("now")).toInstant();
      return new RollupStatus(r.getLong("pending"), until);
    });
  }

  /**
   * Waits, at most the read wait, until every record acknowledged before this call is rolled up, running steps
   * itself meanwhile (so a read is exact even when no background worker runs); then the status. When the wait is
   * over first, the status says what is missing.
   */
  public Future<RollupStatus> await() {
    long deadline = System.nanoTime() + readWait.toNanos();
    return pool.query(ANY_PENDING).execute().compose(rs -> {
      Row r = rs.iterator().next();
      if (!r.getBoolean("pending")) {
        return Future.succeededFuture(new RollupStatus(0, r.getOffsetDateTime("now").toInstant()));
      }
      return catchUp(r.getOffsetDateTime("now"), deadline).compose(v -> status());
    });
  }

  private Future<Void> catchUp(OffsetDateTime start, long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return Future.succeededFuture();
    }
    return step(Duration.ofNanos(left)).recover(e -> e instanceof PgException pg && "55P03".equals(pg.getSqlState())
        ? Future.succeededFuture(-1) : Future.failedFuture(e)).compose(n -> n < 0 ? Future.succeededFuture()
        : pool.preparedQuery(PENDING_BEFORE).execute(Tuple.of(start)).compose(rs ->
            rs.iterator().next().getBoolean("pending") ? catchUp(start, deadline) : Future.succeededFuture()));
  }

  /** A batch of rollup keys as column arrays for {@code unnest}. */
  private static final class Columns {
    final String[] granularity;
    final OffsetDateTime[] bucket;
    final String[] facility;
    final String[] installation;
    final String[] proposal;
    final String[] community;
    final String[] metric;

    Columns(int n) {
      granularity = new String[n];
      bucket = new OffsetDateTime[n];
      facility = new String[n];
      installation = new String[n];
      proposal = new String[n];
      community = new String[n];
      metric = new String[n];
    }

    void set(int i, RollupKey k) {
      granularity[i] = k.granularity().wire();
      bucket[i] = k.bucket().atOffset(ZoneOffset.UTC);
      facility[i] = k.facility();
      installation[i] = k.installation();
      proposal[i] = k.proposal();
      community[i] = k.community();
      metric[i] = k.metric();
    }
  }
}
