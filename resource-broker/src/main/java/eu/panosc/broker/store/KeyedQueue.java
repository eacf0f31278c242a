package eu.panosc.broker.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous work one at a time per key, in the order asked, within this process. The store puts the
 * transactions that would wait for the same PostgreSQL advisory lock (one owner's creates, one cluster's
 * reservations) in line here first: a transaction waiting for a lock holds a pooled connection, and with the pool's
 * few connections a burst for one user or one cluster would otherwise hold them all, stalling every other query. The
 * advisory locks still order these transactions across replicas. A key is forgotten once its line is empty.
 */
final class KeyedQueue {
  private final Map<String, Future<?>> tails = new ConcurrentHashMap<>();

  /** Starts {@code work} once every earlier work of {@code key} has completed (whatever its outcome). */
  <T> Future<T> run(String key, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    Future<T> mine = done.future();
    Future<?> before = tails.put(key, mine);
    Runnable start = () -> {
      Future<T> f;
      try {
        f = work.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(done);
    };
    if (before == null) {
      start.run();
    } else {
      before.onComplete(x -> start.run());
    }
    mine.onComplete(x -> tails.remove(key, mine));
    return mine;
  }

  /** How many keys have work in line (for tests). */
  int keys() {
    return tails.size();
  }
}
