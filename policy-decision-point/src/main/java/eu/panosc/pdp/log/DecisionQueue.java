package eu.panosc.pdp.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The bounded in-memory queue between the decision path and the writer. {@link #offer} never blocks:
 * when the queue is full (the database is slow or down) the entry is dropped and counted in
 * {@value #METER_DROPPED}, so logging can never slow or fail a decision.
 */
public final class DecisionQueue {
  public static final String METER_DROPPED = "panosc_pdp_decision_log_dropped_total";
  public static final String METER_QUEUE = "panosc_pdp_decision_log_queue";

  private final ArrayBlockingQueue<LogEntry> queue;
  private final Counter dropped;
  private volatile boolean closed;

  public DecisionQueue(int capacity, MeterRegistry meters) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.dropped = meters.counter(METER_DROPPED);
    meters.gauge(METER_QUEUE, queue, ArrayBlockingQueue::size);
  }

  /** Adds the entry if there is room; otherwise (or once closed) drops and counts it. */
  public boolean offer(LogEntry entry) {
    if (!closed && queue.offer(entry)) {
      return true;
    }
    dropped.increment();
    return false;
  }

  /** Takes up to {@code max} entries, oldest first; empty when there are none. */
  public List<LogEntry> poll(int max) {
    List<LogEntry> out = new ArrayList<>(Math.min(max, queue.size()));
    queue.drainTo(out, max);
    return out;
  }

  public int size() {
    return queue.size();
  }

  /** From now on every offer is dropped (and counted); what is queued can still be polled. */
  public void close() {
    closed = true;
  }

  public double dropped() {
    return dropped.count();
  }
}
