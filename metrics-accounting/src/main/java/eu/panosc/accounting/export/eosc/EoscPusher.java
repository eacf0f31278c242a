package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.platform.input.Input;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes closed months to the EOSC Accounting Service, each record exactly once, on a schedule.
 *
 * <p>A cycle brings the sent-ledger's desired values up to date from the monthly rollups, then claims due rows and
 * sends each: a row the service never confirmed is POSTed; a row it holds (its id known) whose value changed since
 * (a late record) is corrected with a PATCH of that record's value, so the service keeps one record per installation,
 * metric, group and month holding the current total (the service has no idempotency key and sums aggregated records:
 * a second POST would count twice). A POST whose outcome is unknown (timeout, 5xx, a crash before the outcome was
 * written) leaves the row in flight, and before posting it again the pusher looks the record up in the service's
 * list of the installation's metrics: found, it is recorded as sent. Failures wait for an exponential, jittered
 * backoff and at least the service's Retry-After. Tokens are never logged.
 */
public final class EoscPusher {
  /** Rows claimed at once. */
  static final int CLAIM = 50;
  static final int PAGE_SIZE = 100;
  /** Pages of the installation's metrics read when looking a record up. */
  static final int MAX_PAGES = 50;
  public static final String METER = "panosc.accounting.eosc.records";
  /** Gauge: ledger rows not yet confirmed by the service with their current value, after the last cycle. */
  public static final String BACKLOG = "panosc.accounting.eosc.backlog";
  private static final Logger LOG = LoggerFactory.getLogger(EoscPusher.class);

  private final Vertx vertx;
  private final EoscLedger ledger;
  private final EoscClient client;
  private final EoscSettings settings;
  private final Clock clock;
  private final Backoff backoff;
  private final MeterRegistry meters;
  private final String owner = UUID.randomUUID().toString();
  private final Duration lease;
  private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean stopped;
  private long timer = -1;
  private Future<?> running = Future.succeededFuture();
  private volatile eu.panosc.platform.leader.Singleton leader;

  public EoscPusher(Vertx vertx, EoscLedger ledger, EoscClient client, EoscSettings settings, Clock clock,
      Backoff backoff, MeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.lease = settings.requestTimeout().multipliedBy(MAX_PAGES + 4).plusMinutes(1);
    meters.gauge(BACKLOG, backlog);
  }

  /**
   * The push as configured ({@code settings.enabled()} must be true): the service's client with the configured token
   * source, over the ledger in {@code pool}. Call from the event loop (its context runs the callbacks).
   */
  public static EoscPusher create(Vertx vertx, EoscSettings settings, io.vertx.sqlclient.Pool pool, Clock clock,
      MeterRegistry meters) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(settings.requestTimeout())
        .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    TokenSource tokens = settings.tokenFile().<TokenSource>map(f -> new FileTokenSource(vertx, f))
        .orElseGet(() -> new ClientCredentialsTokenSource(http, context, settings.tokenEndpoint().orElseThrow(),
            settings.clientId().orElseThrow(), settings.clientSecret().orElseThrow(), settings.scope(),
            settings.requestTimeout(), clock));
    EoscClient client = new EoscClient(http, context, settings.url().orElseThrow(), tokens,
        settings.requestTimeout(), clock);
    return new EoscPusher(vertx, new PgEoscLedger(pool), client, settings, clock,
        new Backoff(settings.backoffBase(), settings.backoffMax(), new java.security.SecureRandom()), meters);
  }

  /** Cycles run only on the replica leading {@code singleton} (eu.panosc.platform.leader); call before start. */
  public EoscPusher under(eu.panosc.platform.leader.Singleton singleton) {
    this.leader = Objects.requireNonNull(singleton, "singleton");
    return this;
  }

  /** Runs a first cycle soon, then every {@code interval}, or sooner when a retry is due. */
  public void start() {
    schedule(Duration.ofSeconds(1));
  }

  /** Stops scheduling; completes when the running cycle has ended. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return running.<Void>mapEmpty().otherwiseEmpty();
  }

  private void schedule(Duration delay) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      var l = leader;
      Future<Integer> once = l == null ? runOnce() : l.ifLeader(this::runOnce).map(r -> r.orElse(0));
      Future<Duration> cycle = once.recover(e -> {
        LOG.warn("EOSC accounting push cycle failed: {}", e.toString());
        return Future.succeededFuture(0);
      }).compose(n -> ledger.nextDue()).map(due -> due.map(d -> Duration.between(clock.instant(), d))
          .filter(d -> d.compareTo(settings.interval()) < 0).map(d -> d.isNegative() ? Duration.ZERO : d)
          .orElse(settings.interval())).otherwise(settings.interval());
      running = cycle;
      cycle.onComplete(ar -> schedule(ar.succeeded() ? ar.result() : settings.interval()));
    });
  }

  /** One cycle: refresh the ledger, then send what is due. Succeeds with the number of records confirmed. */
  public Future<Integer> runOnce() {
    Instant now = clock.instant();
    Instant closedBefore = Granularity.MONTH.floor(now.minus(settings.closeAfter()));
    Instant since = settings.since().map(m -> m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))
        .orElse(Input.MIN_INSTANT);
    return ledger.refresh(since, closedBefore, settings.installations(), settings.metricDefinitions())
        .compose(changed -> drain(0))
        .compose(n -> ledger.backlog().map(b -> {
          backlog.set(b);
          return n;
        }));
  }

  private Future<Integer> drain(int done) {
    if (stopped) {
      return Future.succeededFuture(done);
    }
    Instant now = clock.instant();
    return ledger.claim(owner, now, now.plus(lease), CLAIM).compose(entries -> {
      if (entries.isEmpty()) {
        return Future.succeededFuture(done);
      }
      return each(entries, 0, 0).compose(n -> n == 0 ? Future.succeededFuture(done) : drain(done + n));
    });
  }

  /** Sends the entries one after the other; the number confirmed. */
  private Future<Integer> each(List<LedgerEntry> entries, int i, int confirmed) {
    if (i == entries.size()) {
      return Future.succeededFuture(confirmed);
    }
    return send(entries.get(i)).recover(e -> {
      LOG.warn("EOSC accounting push: recording an outcome failed: {}", e.toString());
      return Future.succeededFuture(false);
    }).compose(ok -> each(entries, i + 1, confirmed + (ok ? 1 : 0)));
  }

  /** Sends one entry; true when the service confirmed (or was found to hold) it. */
  Future<Boolean> send(LedgerEntry e) {
    if (e.remoteId() != null) {
      return correct(e);
    }
    if (e.needsLookup()) {
      return lookup(e, 1).compose(found -> {
        if (found.isPresent()) {
          count("found");
          return ledger.confirm(e.key(), owner, found.get().value(), found.get().id(), clock.instant());
        }
        return post(e);
      }, err -> failed(e, true, Optional.empty(), "looking the record up failed: " + describe(err)));
    }
    return post(e);
  }

  private Future<Boolean> post(LedgerEntry e) {
    return client.post(e.key().installationId(), record(e)).compose(a -> {
      if (a.ok()) {
        JsonObject body = a.json();
        String id = body.getValue("metric_id") instanceof String s ? s : body.getValue("id") instanceof String s2
            ? s2 : null;
        count("posted");
        return ledger.confirm(e.key(), owner, e.desired(), id, clock.instant());
      }
      boolean maybeStored = a.status() >= 500 && a.status() != 503;
      return failed(e, maybeStored, a.retryAfter(), "POST answered HTTP " + a.status() + reason(a));
    }, err -> failed(e, !surelyNotSent(err), Optional.empty(), "POST failed: " + describe(err)));
  }

  private Future<Boolean> correct(LedgerEntry e) {
    return client.patch(e.key().installationId(), e.remoteId(), new JsonObject().put("value", plain(e.desired())))
        .compose(a -> {
          if (a.ok()) {
            count("corrected");
            return ledger.confirm(e.key(), owner, e.desired(), null, clock.instant());
          }
          if (a.status() == 404) {
            String why = "record " + e.remoteId() + " is gone from the service (404 to PATCH): posting it again";
            LOG.warn("EOSC accounting push of {} {} {} {}: {}", e.key().installationId(), e.key().metricDefinitionId(),
                e.key().groupId(), e.key().periodStart(), why);
            return ledger.forget(e.key(), owner, why).map(x -> false);
          }
          return failed(e, false, a.retryAfter(), "PATCH of record " + e.remoteId() + " answered HTTP " + a.status()
              + reason(a));
        }, err -> failed(e, false, Optional.empty(), "PATCH failed: " + describe(err)));
  }

  /** A record the service holds: its id and value. */
  record Found(String id, BigDecimal value) {}

  private Future<Optional<Found>> lookup(LedgerEntry e, int page) {
    return client.list(e.key().installationId(), page, PAGE_SIZE).compose(a -> {
      if (!a.ok()) {
        return Future.failedFuture(new IllegalStateException("listing answered HTTP " + a.status()));
      }
      JsonObject body = a.json();
      JsonArray content = body.getValue("content") instanceof JsonArray c ? c : new JsonArray();
      for (Object o : content) {
        if (o instanceof JsonObject m && matches(e, m)) {
          String id = m.getValue("metric_id") instanceof String s ? s : m.getValue("id") instanceof String s2 ? s2
              : null;
          if (id != null && m.getValue("value") instanceof Number n) {
            return Future.succeededFuture(Optional.of(new Found(id, new BigDecimal(n.toString()))));
          }
        }
      }
      int pages = body.getValue("total_pages") instanceof Number n ? n.intValue() : page;
      if (content.isEmpty() || page >= pages || page >= MAX_PAGES) {
        return Future.succeededFuture(Optional.empty());
      }
      return lookup(e, page + 1);
    });
  }

  static boolean matches(LedgerEntry e, JsonObject m) {
    Object group = m.getValue("group_id");
    return e.key().metricDefinitionId().equals(m.getValue("metric_definition_id"))
        && same(e.key().periodStart(), m.getValue("time_period_start"))
        && same(e.periodEnd(), m.getValue("time_period_end"))
        && e.key().groupId().equals(group == null ? "" : group);
  }

  private static boolean same(Instant t, Object text) {
    try {
      return text instanceof String s && Instant.parse(s).equals(t);
    } catch (RuntimeException ex) {
      return false;
    }
  }

  /** The record in the service's shape. */
  static JsonObject record(LedgerEntry e) {
    JsonObject o = new JsonObject().put("metric_definition_id", e.key().metricDefinitionId())
        .put("time_period_start", e.key().periodStart().toString())
        .put("time_period_end", e.periodEnd().toString()).put("value", plain(e.desired()));
    if (!e.key().groupId().isEmpty()) {
      o.put("group_id", e.key().groupId());
    }
    return o;
  }

  /** A number without trailing zeros and without an exponent (100, not 1E+2 or 100.000). */
  static BigDecimal plain(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  private Future<Boolean> failed(LedgerEntry e, boolean inFlight, Optional<Duration> retryAfter, String error) {
    count("failed");
    Duration wait = backoff.delay(e.attempts(), retryAfter);
    LOG.warn("EOSC accounting push of {} {} {} {}: {}; next attempt in {} ms", e.key().installationId(),
        e.key().metricDefinitionId(), e.key().groupId(), e.key().periodStart(), error, wait.toMillis());
    return ledger.fail(e.key(), owner, inFlight, clock.instant().plus(wait), error).map(x -> false);
  }

  /** Only a refused connection (or no token to send) proves that nothing reached the service. */
  private static boolean surelyNotSent(Throwable err) {
    Throwable t = unwrap(err);
    return t instanceof ConnectException || t instanceof HttpConnectTimeoutException || t instanceof TokenException;
  }

  private static String describe(Throwable err) {
    Throwable t = unwrap(err);
    return t instanceof TokenException ? t.getMessage() : t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : " " + t.getMessage());
  }

  private static Throwable unwrap(Throwable err) {
    Throwable t = err;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String reason(EoscClient.Answer a) {
    JsonObject b = a.json();
    Object m = b.getValue("message") != null ? b.getValue("message") : b.getValue("title");
    if (!(m instanceof String s)) {
      return "";
    }
    String clean = s.replaceAll("\\p{Cntrl}", " ");
    return ": " + (clean.length() > 200 ? clean.substring(0, 200) : clean);
  }

  private void count(String outcome) {
    meters.counter(METER, "outcome", outcome).increment();
  }
}
