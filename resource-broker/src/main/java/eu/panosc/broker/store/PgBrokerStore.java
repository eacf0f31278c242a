package eu.panosc.broker.store;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The {@link BrokerStore} on PostgreSQL (schema {@code broker}). A create takes transaction-scoped advisory locks on
 * its owner and its proposal (always in that order, so two creates never deadlock) before counting what is active,
 * so concurrent creates for one user or one proposal are serialised and never exceed a quota; updates lock the
 * session's row ({@code SELECT ... FOR UPDATE}). What each owner's and each cluster's active sessions hold is read from
 * {@code owner_use} and {@code cluster_use}, which a trigger on {@code session} keeps in the changing transaction.
 */
public final class PgBrokerStore implements BrokerStore {
  private static final String COLUMNS = "id, owner_id, proposal, datasets, flavour, image, cpu, memory_mi, gpu, cluster, "
      + "state, url, placement, failure, secret_hash, created, updated, expires_at, last_activity";
  /** {@link #COLUMNS} of the table {@code session} by their qualified names (for joins with same-named columns). */
  private static final String SESSION_COLUMNS = String.join(", ", Arrays.stream(COLUMNS.split(", "))
      .map(c -> "session." + c).toList());
  private static final String ACTIVE = "state NOT IN ('STOPPED', 'FAILED')";
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7031))";
  private static final String INSERT = "INSERT INTO session (" + COLUMNS + ") VALUES "
      + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
  private static final String UPDATE = "UPDATE session SET owner_id = $2, proposal = $3, datasets = $4, flavour = $5, "
      + "image = $6, cpu = $7, memory_mi = $8, gpu = $9, cluster = $10, state = $11, url = $12, placement = $13, "
      + "failure = $14, secret_hash = $15, created = $16, updated = $17, expires_at = $18, "
      // activity never goes back: a concurrent touch (proxied traffic) or an updater built from an older read keeps
      // the later instant; RETURNING gives what is stored
      + "last_activity = greatest(last_activity, $19) WHERE id = $1 RETURNING " + COLUMNS;

  /** The channel on which every creation and change of state or end is announced (see {@link SessionFeed}). */
  public static final String CHANNEL = "panosc_broker_session";
  // the announcement rides on the statement that makes the change: no extra round trip, sent at commit
  private static final String INSERT_NOTIFY = "WITH i AS (" + INSERT + " RETURNING id) SELECT pg_notify($20, $21) "
      + "FROM i";
  private static final String UPDATE_NOTIFY = "WITH u AS (" + UPDATE + ") SELECT u.*, pg_notify($20, $21) FROM u";

  /**
   * How long the catalogue (flavours, images) read from the database is served from memory: every create reads it,
   * it changes only when a replica starts with another configuration. A put through this store drops it at once.
   */
  static final java.time.Duration CATALOGUE_TTL = java.time.Duration.ofSeconds(5);

  private final Pool pool;
  private final Optional<Announcer> announcer;
  private volatile Remembered<List<Flavour>> flavours;
  private volatile Remembered<List<Image>> images;
  /** Counts puts: a read that a put overtook is not remembered. */
  private final java.util.concurrent.atomic.AtomicLong puts = new java.util.concurrent.atomic.AtomicLong();
  /** Transactions that would wait for the same advisory lock, in line in this process first. */
  private final KeyedQueue inLine = new KeyedQueue();

  private record Remembered<T>(Future<T> value, long untilNanos) {
    boolean fresh() {
      return System.nanoTime() - untilNanos < 0;
    }
  }

  /** A store that announces nothing (one replica, or tests). */
  public PgBrokerStore(Pool pool) {
    this(pool, Optional.<Announcer>empty(), true);
  }

  /**
   * A store that announces each creation and each change of a session's state or end on {@link #CHANNEL}, in the
   * transaction that makes it, as {@code <origin> <n> <session id> <state>} ({@link SessionFeed.Notice}): no secret;
   * {@code origin} (this replica's event epoch) and the number {@code n} make the notice's id.
   */
  public PgBrokerStore(Pool pool, Optional<String> origin) {
    this(pool, origin.map(Announcer::new), true);
  }

  /**
   * A store whose announcements {@code announcer} numbers ({@code <origin> <n> <session id> <state>}) and whose
   * listener learns each session exactly as written.
   */
  public PgBrokerStore(Pool pool, Announcer announcer) {
    this(pool, Optional.of(Objects.requireNonNull(announcer, "announcer")), true);
  }

  // (the flag only tells this constructor apart from the public one taking an origin: both take an Optional)
  private PgBrokerStore(Pool pool, Optional<Announcer> announcer, boolean announcing) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.announcer = announcer;
  }

  @Override
  public Future<Void> putFlavour(Flavour f) {
    return pool.preparedQuery("INSERT INTO flavour (id, title, cpu, memory_mi, gpu, visibility, scratch_gi) VALUES ($1, "
        + "$2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET title = excluded.title, cpu = excluded.cpu, "
        + "memory_mi = excluded.memory_mi, gpu = excluded.gpu, visibility = excluded.visibility, "
        + "scratch_gi = excluded.scratch_gi")
        .execute(Tuple.of(f.id(), f.title(), f.resources().cpu(), f.resources().memoryMi(), f.resources().gpu(),
            json(f.visibility()), f.scratchGi())).<Void>mapEmpty().andThen(x -> {
              puts.incrementAndGet();
              flavours = null;
            });
  }

  @Override
  public Future<List<Flavour>> flavours() {
    Remembered<List<Flavour>> known = flavours;
    if (known != null && known.fresh()) {
      return known.value();
    }
    long before = puts.get();
    Future<List<Flavour>> read = readFlavours();
    remember(read, before, r -> flavours = r);
    return read;
  }

  /** Keeps a successful read for {@link #CATALOGUE_TTL}; not a failed one, nor one a put overtook. */
  private <T> void remember(Future<T> read, long putsBefore, java.util.function.Consumer<Remembered<T>> keep) {
    long until = System.nanoTime() + CATALOGUE_TTL.toNanos();
    read.onSuccess(x -> {
      if (puts.get() == putsBefore) {
        keep.accept(new Remembered<>(Future.succeededFuture(x), until));
      }
    });
  }

  private Future<List<Flavour>> readFlavours() {
    return pool.query("SELECT id, title, cpu, memory_mi, gpu, visibility, scratch_gi FROM flavour ORDER BY id").execute()
        .map(rows -> {
          List<Flavour> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Flavour(r.getString("id"), r.getString("title"),
              new Resources(r.getLong("cpu"), r.getLong("memory_mi"), r.getLong("gpu")),
              visibility(r.getJsonObject("visibility")), r.getInteger("scratch_gi"))));
          return List.copyOf(out);
        });
  }

  @Override
  public Future<Void> putImage(Image i) {
    return pool.preparedQuery("INSERT INTO image (id, title, kind, reference, protocol, port, visibility, clusters) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = "
        + "excluded.kind, reference = excluded.reference, protocol = excluded.protocol, port = excluded.port, "
        + "visibility = excluded.visibility, clusters = excluded.clusters")
        .execute(Tuple.from(new Object[] {i.id(), i.title(), i.kind().name(), i.reference(), i.protocol(), i.port(),
            json(i.visibility()), i.clusters().stream().sorted().toArray(String[]::new)})).<Void>mapEmpty()
        .andThen(x -> {
          puts.incrementAndGet();
          images = null;
        });
  }

  @Override
  public Future<List<Image>> images() {
    Remembered<List<Image>> known = images;
    if (known != null && known.fresh()) {
      return known.value();
    }
    long before = puts.get();
    Future<List<Image>> read = readImages();
    remember(read, before, r -> images = r);
    return read;
  }

  private Future<List<Image>> readImages() {
    return pool.query("SELECT id, title, kind, reference, protocol, port, visibility, clusters FROM image ORDER BY id")
        .execute().map(rows -> {
          List<Image> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Image(r.getString("id"), r.getString("title"),
              Image.Kind.valueOf(r.getString("kind")), r.getString("reference"), r.getString("protocol"),
              r.getInteger("port"), visibility(r.getJsonObject("visibility")),
              Set.of(r.getArrayOfStrings("clusters")))));
          return List.copyOf(out);
        });
  }

  @Override
  public Future<Session> create(Session s, Quota quota) {
    // one owner's creates wait for each other here, not holding pooled connections while they wait for the lock
    return inLine.run("broker.user:" + s.owner(), () -> createNow(s, quota));
  }

  private Future<Session> createNow(Session s, Quota quota) {
    Optional<SessionFeed.Notice> notice = announcer.map(a -> a.next(s.id(), s.state().name()));
    notice.ifPresent(n -> announcer.get().written(n, s));
    return pool.withTransaction(conn -> {
      // the locks and the counts are sent together (pipelined: one round trip, not up to five); PostgreSQL runs them
      // in order, so each count's snapshot is taken once the locks are held and sees every earlier create
      Future<?> ownerLocked = conn.preparedQuery(LOCK).execute(Tuple.of("broker.user:" + s.owner()));
      Future<?> proposalLocked = s.proposal().isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(LOCK).execute(Tuple.of("broker.proposal:" + s.proposal().get()));
      // the owner's active sessions, kept by the database in owner_use (V4): one row, however many they hold
      Future<Long> own = conn.preparedQuery("SELECT coalesce((SELECT sessions FROM owner_use WHERE owner_id = $1), 0)")
          .execute(Tuple.of(s.owner())).map(r -> r.iterator().next().getLong(0));
      Future<long[]> use = proposalUse(conn, s.proposal());
      Future<Double> coreHours = coreHoursUsed(conn, s, quota);
      return Future.all(ownerLocked, proposalLocked, own, use, coreHours).compose(x -> {
        long[] u = use.result();
        Quotas.check(s, quota, own.result(), u[0], new Resources(u[1], u[2], u[3]));
        Quotas.checkCoreHours(s, quota, coreHours.result());
        return notice.isEmpty() ? conn.preparedQuery(INSERT).execute(tuple(s))
            : conn.preparedQuery(INSERT_NOTIFY).execute(tuple(s).addValue(CHANNEL).addValue(notice.get().payload()));
      });
    }).map(x -> s).onFailure(e -> notice.ifPresent(n -> announcer.get().abandoned(n)));
  }

  /** Core-hours the proposal's placed sessions used up to the new session's creation (under the proposal's lock). */
  private static Future<Double> coreHoursUsed(SqlConnection conn, Session s, Quota quota) {
    if (s.proposal().isEmpty() || quota.proposal().isEmpty() || !quota.proposal().get().limitsCoreHours()) {
      return Future.succeededFuture(0.0);
    }
    return conn.preparedQuery("SELECT coalesce(sum(cpu * greatest(0, extract(epoch FROM (CASE WHEN " + ACTIVE
        + " THEN $2 ELSE updated END) - created)) / 3600.0), 0)::float8 FROM session WHERE proposal = $1 "
        + "AND cluster IS NOT NULL").execute(Tuple.of(s.proposal().get(), utc(s.created())))
        .map(r -> r.iterator().next().getDouble(0));
  }

  /** Sessions and resources the proposal's active sessions hold; nothing (and no round trip) without a proposal. */
  private static Future<long[]> proposalUse(SqlConnection conn, Optional<String> proposal) {
    if (proposal.isEmpty()) {
      return Future.succeededFuture(new long[4]);
    }
    return conn.preparedQuery("SELECT count(*), coalesce(sum(cpu), 0)::bigint, coalesce(sum(memory_mi), 0)::bigint, "
        + "coalesce(sum(gpu), 0)::bigint FROM session WHERE proposal = $1 AND " + ACTIVE)
        .execute(Tuple.of(proposal.get())).map(r -> {
          Row row = r.iterator().next();
          return new long[] {row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3)};
        });
  }

  @Override
  public Future<Optional<Session>> get(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM session WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  @Override
  public Future<List<Session>> list(Optional<String> owner) {
    var query = owner.isPresent()
        ? pool.preparedQuery("SELECT " + COLUMNS + " FROM session WHERE owner_id = $1 ORDER BY created DESC, id")
            .execute(Tuple.of(owner.get()))
        : pool.query("SELECT " + COLUMNS + " FROM session ORDER BY created DESC, id").execute();
    return query.map(rows -> {
      List<Session> out = new ArrayList<>();
      rows.forEach(r -> out.add(session(r)));
      return out;
    });
  }

  @Override
  public Future<List<Session>> active() {
    return pool.query("SELECT " + COLUMNS + " FROM session WHERE " + ACTIVE + " ORDER BY created, id").execute()
        .map(rows -> {
          List<Session> out = new ArrayList<>();
          rows.forEach(r -> out.add(session(r)));
          return out;
        });
  }

  @Override
  public Future<Optional<Session>> update(String id, UnaryOperator<Session> updater) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + " FROM session WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(id)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Session>empty());
          }
          Session current = session(rows.iterator().next());
          Session next = updater.apply(current);
          if (!next.id().equals(id)) {
            return Future.failedFuture(new IllegalArgumentException("an update may not change the session id"));
          }
          if (next.equals(current)) {
            return Future.succeededFuture(Optional.of(current));
          }
          return write(conn, current, next);
        }));
  }

  @Override
  public Future<Void> touch(java.util.Map<String, Instant> lastSeen) {
    if (lastSeen.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] ids = lastSeen.keySet().toArray(String[]::new);
    OffsetDateTime[] at = new OffsetDateTime[ids.length];
    for (int i = 0; i < ids.length; i++) {
      at[i] = utc(lastSeen.get(ids[i]));
    }
    return pool.preparedQuery("UPDATE session s SET last_activity = greatest(s.last_activity, v.at) FROM "
        + "unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE s.id = v.id")
        .execute(Tuple.tuple().addValue(ids).addValue(at)).mapEmpty();
  }

  @Override
  public Future<Optional<Session>> reserve(String id, String cluster, Resources capacity,
      UnaryOperator<Session> placed) {
    // one cluster's reservations wait for each other here, not holding pooled connections while they wait for the lock
    return inLine.run("broker.cluster:" + cluster, () -> reserveNow(id, cluster, capacity, placed));
  }

  private Future<Optional<Session>> reserveNow(String id, String cluster, Resources capacity,
      UnaryOperator<Session> placed) {
    // under the cluster's lock, one statement reads the session (locking its row) and what the cluster's active
    // sessions hold (its cluster_use row, kept by the database: V4): its snapshot is taken after the lock was granted,
    // so it sees every earlier reservation
    // (the lock and the read are sent together, pipelined: PostgreSQL runs the read once the lock is held)
    return pool.withTransaction(conn -> {
      Future<?> locked = conn.preparedQuery(LOCK).execute(Tuple.of("broker.cluster:" + cluster));
      Future<io.vertx.sqlclient.RowSet<Row>> read = conn.preparedQuery("SELECT " + SESSION_COLUMNS
          + ", coalesce(u.cpu, 0) AS used_cpu, coalesce(u.memory_mi, 0) AS used_memory_mi, "
          + "coalesce(u.gpu, 0) AS used_gpu FROM session LEFT JOIN cluster_use u ON u.cluster = $1 "
          + "WHERE session.id = $2 FOR UPDATE OF session")
          .execute(Tuple.of(cluster, id));
      return Future.all(locked, read).map(x -> read.result()).compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(Optional.<Session>empty());
        }
        Row u = rows.iterator().next();
        Session current = session(u);
        Resources used = new Resources(u.getLong("used_cpu"), u.getLong("used_memory_mi"), u.getLong("used_gpu"));
        if (current.state().active() && current.cluster().equals(Optional.of(cluster))) {
          // already counted there (placed on it before): the others' use is the rest
          used = used.minus(current.resources());
        }
        if (!Quotas.fits(used, current.resources(), capacity)) {
          return Future.succeededFuture(Optional.<Session>empty());
        }
        Session next = placed.apply(current);
        if (!next.id().equals(id) || !next.cluster().equals(Optional.of(cluster))) {
          return Future.failedFuture(new IllegalArgumentException("a reservation must place the session on "
              + cluster));
        }
        return write(conn, current, next);
      });
    });
  }

  @Override
  public Future<java.util.Map<String, Resources>> usedByCluster() {
    // one row per cluster, kept by the database (V4), not a sum over every active session
    return pool.query("SELECT cluster, cpu, memory_mi, gpu FROM cluster_use WHERE sessions > 0").execute()
        .map(rows -> {
          java.util.Map<String, Resources> out = new java.util.HashMap<>();
          for (Row r : rows) {
            out.put(r.getString(0), new Resources(r.getLong(1), r.getLong(2), r.getLong(3)));
          }
          return out;
        });
  }

  /** The UPDATE of {@code next}, announcing it when its state or end changed (and this store announces). */
  private Future<Optional<Session>> write(SqlConnection conn, Session current, Session next) {
    boolean announce = announcer.isPresent()
        && (current.state() != next.state() || !current.expiresAt().equals(next.expiresAt()));
    if (!announce) {
      return conn.preparedQuery(UPDATE).execute(tuple(next)).map(r -> Optional.of(session(r.iterator().next())));
    }
    Announcer a = announcer.get();
    SessionFeed.Notice n = a.next(next.id(), next.state().name());
    // the listener learns the row as stored (last_activity never goes back), so it is told from the statement's
    // answer; the notification itself is sent only at commit, after this
    return conn.preparedQuery(UPDATE_NOTIFY).execute(tuple(next).addValue(CHANNEL).addValue(n.payload()))
        .map(r -> {
          Session stored = session(r.iterator().next());
          a.written(n, stored);
          return Optional.of(stored);
        }).onFailure(e -> a.abandoned(n));
  }

  private static Tuple tuple(Session s) {
    return Tuple.from(new Object[] {s.id(), s.owner(), s.proposal().orElse(null), s.datasets().toArray(String[]::new),
        s.flavour(), s.image(), s.resources().cpu(), s.resources().memoryMi(), s.resources().gpu(),
        s.cluster().orElse(null), s.state().name(), s.url().orElse(null), s.placement().orElse(null),
        s.failure().orElse(null), s.secretHash(), utc(s.created()), utc(s.updated()), utc(s.expiresAt()),
        utc(s.lastActivity())});
  }

  /** The session in a row holding the {@code session} table's columns by name (e.g. {@code SELECT s.*}). */
  public static Session session(Row r) {
    return new Session(r.getString("id"), r.getString("owner_id"), Optional.ofNullable(r.getString("proposal")),
        Arrays.asList(r.getArrayOfStrings("datasets")), r.getString("flavour"), r.getString("image"),
        new Resources(r.getLong("cpu"), r.getLong("memory_mi"), r.getLong("gpu")),
        Optional.ofNullable(r.getString("cluster")), SessionState.valueOf(r.getString("state")),
        Optional.ofNullable(r.getString("url")), Optional.ofNullable(r.getString("placement")),
        Optional.ofNullable(r.getString("failure")), r.getString("secret_hash"), instant(r, "created"),
        instant(r, "updated"), instant(r, "expires_at"), instant(r, "last_activity"));
  }

  private static Instant instant(Row r, String column) {
    return r.getOffsetDateTime(column).toInstant();
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  private static JsonObject json(Visibility v) {
    return new JsonObject().put("proposals", sorted(v.proposals())).put("facilities", sorted(v.facilities()))
        .put("roles", sorted(v.roles()));
  }

  private static JsonArray sorted(Set<String> s) {
    return new JsonArray(s.stream().sorted().map(Object.class::cast).toList());
  }

  private static Visibility visibility(JsonObject o) {
    return new Visibility(strings(o.getJsonArray("proposals")), strings(o.getJsonArray("facilities")),
        strings(o.getJsonArray("roles")));
  }

  private static Set<String> strings(JsonArray a) {
    Set<String> out = new LinkedHashSet<>();
    if (a != null) {
      a.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }
}
