package eu.panosc.platform.keys;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/** {@link KeyStorage} in memory, for tests and throw-away demos; updates are serialized by chaining. */
public final class InMemoryKeyStorage implements KeyStorage {
  private List<KeyRecord> records = List.of();
  private Future<?> last = Future.succeededFuture();

  @Override
  public synchronized Future<List<KeyRecord>> load() {
    return Future.succeededFuture(records);
  }

  @Override
  public synchronized Future<List<KeyRecord>> update(Function<List<KeyRecord>, Future<List<KeyRecord>>> updater) {
    Future<List<KeyRecord>> next = last.transform(ignored -> {
      List<KeyRecord> before;
      synchronized (this) {
        before = records;
      }
      return updater.apply(before).map(list -> {
        synchronized (this) {
          records = List.copyOf(list);
          return records;
        }
      });
    });
    last = next;
    return next;
  }
}
