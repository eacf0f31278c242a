package eu.panosc.benchmarks.http;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Latencies (ns) of checked answers in one measured window; thread-safe, appends only. */
final class Recorder {
  private long[] values = new long[1 << 16];
  private int size;
  private final long startNanos = System.nanoTime();
  private volatile boolean open = true;
  private final AtomicLong failed = new AtomicLong();

  boolean isOpen() {
    return open;
  }

  synchronized void add(long nanos) {
    if (!open) {
      return;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  void failed() {
    if (open) {
      failed.incrementAndGet();
    }
  }

  /** Closes the window; the window is from creation to now. */
  Phase stop(Probe probe) {
    long end = System.nanoTime();
    long[] copy;
    synchronized (this) {
      open = false;
      copy = Arrays.copyOf(values, size);
    }
    return new Phase(copy, (end - startNanos) / 1e9, failed.get(), probe.stop());
  }

  Phase stopAt(long startAt, long endAt, Probe probe) {
    long[] copy;
    synchronized (this) {
      open = false;
      copy = Arrays.copyOf(values, size);
    }
    return new Phase(copy, (endAt - startAt) / 1e9, failed.get(), probe.stop());
  }
}
