package eu.panosc.pdp.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded in-memory queue between the decision path and the writer. {@link #offer} never blocks:
 * when the queue is full (the database is slow or down) the entry is dropped and counted in
 * {@value #METER_DROPPED}, so logging can never slow or fail a decision. Lock-free (a linked queue and a
 * counter reserving room before an entry is added): the event loops that decide share no lock with each
 * other or with the writer draining it.
 */
public final class DecisionQueue {
  public static final String METER_DROPPED = "panosc_pdp_decision_log_dropped_total";
  public static final String METER_QUEUE = "panosc_pdp_decision_log_queue";

  private final ConcurrentLinkedQueue<LogEntry> queue = new ConcurrentLinkedQueue<>();
  /** Entries in the queue or about to be: counted up before an entry is added, down after it is taken. */
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final Counter dropped;
  private volatile boolean closed;

  public DecisionQueue(int capacity, MeterRegistry meters) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.dropped = meters.counter(METER_DROPPED);
    meters.gauge(METER_QUEUE, size, AtomicInteger::get);
  }

  /** Adds the entry if there is room; otherwise (or once closed) drops and counts it. */
  public boolean offer(LogEntry entry) {
    if (!closed) {
      int n = size.get();
      while (n < capacity) {
        if (size.compareAndSet(n, n + 1)) {
          queue.offer(entry);
          return true;
        }
        n = size.get();
      }
    }
    dropped.increment();
    return false;
  }

  /** Takes up to {@code max} entries, oldest first; empty when there are none. */
  public List<LogEntry> poll(int max) {
    List<LogEntry> out = new ArrayList<>(Math.min(max, Math.max(size.get(), 0)));
    LogEntry e;
    while (out.size() < max && (e = queue.poll()) != null) {
      out.add(e);
    }
    size.addAndGet(-out.size());
    return out;
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
