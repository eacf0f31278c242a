package eu.panosc.pdp.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded in-memory queue between the decision path and the writer. {@link #offer} never blocks:
 * when the queue is full (the database is slow or down) the entry is dropped and counted in
 * {@value #METER_DROPPED}, so logging can never slow or fail a decision. An array deque under one lock, held for
 * an append (the decision path) or for taking a whole batch (the writer): no allocation per entry, and the writer
 * reads a batch's references from one array instead of chasing a linked node per entry (the linked queue used
 * before was ~8 % of the writer's JFR samples; docs/benchmarks.md, "The decision log's cost over HTTP"). The lock
 * is held for a few nanoseconds per decision, so event loops deciding at once hardly wait for it.
 */
public final class DecisionQueue {
  public static final String METER_DROPPED = "panosc_pdp_decision_log_dropped_total";
  public static final String METER_QUEUE = "panosc_pdp_decision_log_queue";

  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by {@link #lock}. */
  private final ArrayDeque<LogEntry> queue;
  /** The entries queued, for the gauge and for readers without the lock (written under the lock). */
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final Counter dropped;
  private volatile boolean closed;

  public DecisionQueue(int capacity, MeterRegistry meters) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.queue = new ArrayDeque<>(Math.min(capacity, 1 << 16));
    this.dropped = meters.counter(METER_DROPPED);
    meters.gauge(METER_QUEUE, size, AtomicInteger::get);
  }

  /** Adds the entry if there is room; otherwise (or once closed) drops and counts it. */
  public boolean offer(LogEntry entry) {
    Objects.requireNonNull(entry, "entry");
    if (!closed) {
      lock.lock();
      try {
        int n = queue.size();
        if (n < capacity) {
          queue.addLast(entry);
          size.lazySet(n + 1);
          return true;
        }
      } finally {
        lock.unlock();
      }
    }
    dropped.increment();
    return false;
  }

  /** Takes up to {@code max} entries, oldest first; empty when there are none. */
  public List<LogEntry> poll(int max) {
    if (size.get() == 0) {
      return new ArrayList<>(0);
    }
    lock.lock();
    try {
      int n = Math.min(max, queue.size());
      List<LogEntry> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(queue.pollFirst());
      }
      size.lazySet(queue.size());
      return out;
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    return size.get();
  }

  /** From now on every offer is dropped (and counted); what is queued can still be polled. */
  public void close() {
    closed = true;
  }

  public double dropped() {
    return dropped.count();
  }
}
