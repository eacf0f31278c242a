package eu.panosc.pdp.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the {@link DecisionQueue} into PostgreSQL and applies retention. Every {@code flushInterval}
 * it writes what is queued, and as soon as a full batch is waiting it writes that, in batches of {@code batchSize}
 * rows, one INSERT (one page) each, with up to {@code writers} INSERTs running at once (each a loop taking the next
 * full batch when its previous one is written; fewer than a batch wait for the next tick, so a busy log writes full
 * pages rather than a small one behind each full one; rows are keyed by time and id, so their order of arrival does
 * not matter); every {@code purgeInterval} it deletes rows older than
 * {@code retention} and the oldest beyond {@code maxRows}. A failed write is logged without any of its
 * content, its rows counted in {@value #METER_FAILED} and dropped (never retried, so a database outage
 * cannot grow memory). Decisions the full queue dropped ({@link DecisionQueue}) are reported by a warning
 * with their number at most once per {@link #DROP_REPORT_INTERVAL} (and once more at {@link #close}), so none is
 * lost silently. {@link #close} stops the timers and writes what is still queued.
 * Runs on the context that called {@link #start} (or on a worker context of its own: {@link #startApart}).
 */
public final class DecisionLogWriter {
  public static final String METER_WRITTEN = "panosc_pdp_decision_log_written_total";
  public static final String METER_FAILED = "panosc_pdp_decision_log_failed_total";
  public static final String METER_PURGED = "panosc_pdp_decision_log_purged_total";
  /** At most one warning about dropped decisions per this interval. */
  public static final Duration DROP_REPORT_INTERVAL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(DecisionLogWriter.class);

  private final Vertx vertx;
  private final PgDecisionLog table;
  private final DecisionQueue queue;
  private final DecisionLogSettings settings;
  private final Clock clock;
  private final Counter written;
  private final Counter failed;
  private final Counter purged;
  private final AtomicBoolean kicked = new AtomicBoolean();
  private final DropReport drops;
  private Context context;
  private LogRows rows;
  private byte[] key;
  private long flushTimer = -1;
  private long purgeTimer = -1;
  /** The write loops running now, each completing when it found the queue empty. */
  private final List<Future<Void>> running = new ArrayList<>();
  private boolean purging;
  private Future<Void> purgeRun = Future.succeededFuture();
  /** When set, the timer's purge runs only on the replica leading this singleton (eu.panosc.platform.leader). */
  private eu.panosc.platform.leader.Singleton purgeLeader;

  public DecisionLogWriter(Vertx vertx, PgDecisionLog table, DecisionQueue queue, DecisionLogSettings settings,
      Clock clock, MeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.table = Objects.requireNonNull(table, "table");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.written = meters.counter(METER_WRITTEN);
    this.failed = meters.counter(METER_FAILED);
    this.purged = meters.counter(METER_PURGED);
    this.drops = new DropReport(clock, DROP_REPORT_INTERVAL);
  }

  /** Loads (or creates) the HMAC key and starts the timers; call on the owning context. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return table.key().map(k -> {
      key = k;
      rows = new LogRows(settings, k);
      flushTimer = vertx.setPeriodic(settings.flushInterval().toMillis(), t -> {
        reportDrops(drops.due(queue.dropped()));
        flush();
      });
      purgeTimer = vertx.setPeriodic(settings.purgeInterval().toMillis(), t -> {
        var leader = purgeLeader;
        if (leader == null) {
          purge();
        } else {
          leader.ifLeader(this::purge);
        }
      });
      return null;
    });
  }

  /**
   * As {@link #start}, but on a context of its own off every event loop: a worker context (its tasks run one at a
   * time, in order, on the worker pool; the writer never blocks, it only waits for the database's answers). On an
   * event loop of its own it could still land on one that serves HTTP (event loops are handed out in turn, and the
   * HTTP servers take theirs after the module mounted: JFR found it on the second server's loop); there each page,
   * ~3–6 ms of masking and JSON, ran between two requests (docs/benchmarks.md, "The decision log's cost over HTTP").
   * Completes on the caller's context.
   */
  public Future<Void> startApart() {
    VertxInternal vx = (VertxInternal) vertx;
    ContextInternal caller = vx.getOrCreateContext();
    ContextInternal own = vx.createWorkerContext();
    PromiseInternal<Void> started = caller.promise();
    own.runOnContext(v -> start().onComplete(started));
    return started.future();
  }

  /** The context the writer runs on (after {@link #start}; for tests). */
  Context context() {
    return context;
  }

  /** Runs the periodic purge on the replica leading {@code singleton} only; call before {@link #start}. */
  public void purgeUnder(eu.panosc.platform.leader.Singleton singleton) {
    this.purgeLeader = Objects.requireNonNull(singleton, "singleton");
  }

  /** The HMAC key (after {@link #start}). */
  public byte[] key() {
    return key.clone();
  }

  /** Adds an entry (any thread, never blocks); a full batch waiting triggers a write without waiting for the timer. */
  public void record(LogEntry entry) {
    if (queue.offer(entry) && queue.size() >= settings.batchSize() && context != null
        && kicked.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        kicked.set(false);
        write(settings.batchSize(), false);
      });
    }
  }

  /**
   * Writes what is queued now (the timer's write): one batch of whatever waits, then full batches while they wait,
   * with up to {@code writers} loops at once; answers the completion of every loop running (none running and nothing
   * queued: at once). What is left, fewer than a batch, waits for the next full batch or the next tick, so a busy log
   * writes full pages instead of a small one after each full one.
   */
  Future<Void> flush() {
    return write(1, false);
  }

  /**
   * Starts write loops up to {@code writers} while at least {@code first} entries wait (a full batch for every loop
   * after the first); each loop then goes on while a full batch waits, or, {@code untilEmpty}, while anything does.
   */
  private Future<Void> write(int first, boolean untilEmpty) {
    int minimum = first;
    while (running.size() < settings.writers() && queue.size() >= minimum) {
      Promise<Void> lane = Promise.promise();
      running.add(lane.future());
      drain(untilEmpty).onComplete(v -> {
        running.remove(lane.future());
        lane.complete();
      });
      minimum = untilEmpty ? 1 : settings.batchSize();
    }
    return running.isEmpty() ? Future.succeededFuture() : Future.join(new ArrayList<>(running)).mapEmpty();
  }

  /** Write loops running now (for tests). */
  int lanes() {
    return running.size();
  }

  private Future<Void> drain(boolean untilEmpty) {
    List<LogEntry> batch = queue.poll(settings.batchSize());
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<LogRows.Row> out = new ArrayList<>(batch.size());
    for (LogEntry e : batch) {
      try {
        out.add(rows.row(e));
      } catch (RuntimeException ex) {
        // never stop the write loop on one entry: counted and dropped like a failed write
        failed.increment();
        LOG.warn("decision log: an entry could not be converted and is dropped ({})", ex.getClass().getSimpleName());
      }
    }
    if (out.isEmpty()) {
      return more(untilEmpty);
    }
    return table.insert(out)
        .onSuccess(v -> written.increment(out.size()))
        .recover(e -> {
          failed.increment(out.size());
          // the cause's class only: a database message may quote a row, i.e. personal data
          LOG.warn("decision log: {} rows could not be written and are dropped ({})", out.size(),
              e.getClass().getSimpleName());
          return Future.succeededFuture();
        })
        .compose(v -> more(untilEmpty));
  }

  /** The loop's next batch: while a full one waits, or, {@code untilEmpty}, while anything does. */
  private Future<Void> more(boolean untilEmpty) {
    return untilEmpty || queue.size() >= settings.batchSize() ? drain(untilEmpty) : Future.succeededFuture();
  }

  private void reportDrops(long n) {
    if (n > 0) {
      LOG.warn("decision log: {} decisions were not recorded (the queue of {} was full: the database is slow or "
          + "down; or the service was stopping); counted in {}", n, settings.queueCapacity(), DecisionQueue.METER_DROPPED);
    }
  }

  /** Applies retention and maxRows once; overlapping runs are skipped. */
  Future<Void> purge() {
    if (purging) {
      return purgeRun;
    }
    purging = true;
    purgeRun = table.purge(clock.instant().minus(settings.retention()), settings.maxRows())
        .onSuccess(n -> {
          purged.increment(n);
          if (n > 0) {
            LOG.debug("decision log: purged {} rows", n);
          }
        })
        .onFailure(e -> LOG.warn("decision log: purge failed ({})", e.getClass().getSimpleName()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture())
        .eventually(() -> {
          purging = false;
          return Future.succeededFuture();
        });
    return purgeRun;
  }

  /**
   * Stops the timers, refuses further entries (counted as dropped), writes what is queued and waits for
   * a running purge, so nothing uses the pool once this completes. Callable from any thread: the writing
   * happens on the writer's context, where its write loops run.
   */
  public Future<Void> close() {
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(purgeTimer);
    queue.close();
    if (rows == null) {
      return Future.succeededFuture();
    }
    Context current = Vertx.currentContext();
    if (context != null && current != context) {
      // completes on the caller's context (the module's stop goes on there), not on the writer's
      Promise<Void> done = current instanceof ContextInternal c ? c.promise() : Promise.promise();
      context.runOnContext(v -> closeHere().onComplete(done));
      return done.future();
    }
    return closeHere();
  }

  private Future<Void> closeHere() {
    return write(1, true).compose(v -> queue.size() > 0 ? write(1, true) : Future.succeededFuture())
        .compose(v -> purgeRun)
        .onComplete(v -> reportDrops(drops.remaining(queue.dropped())));
  }
}
