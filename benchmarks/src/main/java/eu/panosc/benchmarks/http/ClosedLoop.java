package eu.panosc.benchmarks.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code n} requests always in flight: each worker sends its next request when its answer is in. */
final class ClosedLoop {
  private final Target target;
  private final int n;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Recorder recorder;

  ClosedLoop(Target target, int n) {
    this.target = target;
    this.n = n;
  }

  void start() {
    target.context.runOnContext(v -> {
      for (int i = 0; i < n; i++) {
        next();
      }
    });
  }

  Recorder record() {
    Recorder r = new Recorder();
    recorder = r;
    return r;
  }

  private void next() {
    if (!running.get()) {
      return;
    }
    inFlight.incrementAndGet();
    long sent = System.nanoTime();
    target.call().onComplete(ar -> {
      long latency = System.nanoTime() - sent;
      inFlight.decrementAndGet();
      Recorder r = recorder;
      if (r != null) {
        if (Boolean.TRUE.equals(ar.result())) {
          r.add(latency);
        } else {
          r.failed();
        }
      }
      next();
    });
  }

  void stopAndDrain() throws InterruptedException {
    running.set(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (inFlight.get() > 0) {
      throw new IllegalStateException(inFlight.get() + " requests still in flight 60 s after the closed loop stopped");
    }
  }
}
