package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** {@link KeyStorage} in memory, for tests and throw-away demos. */
public final class InMemoryKeyStorage implements KeyStorage {
  private final AtomicReference<List<KeyRecord>> records = new AtomicReference<>(List.of());

  @Override
  public Future<List<KeyRecord>> load() {
    return Future.succeededFuture(records.get());
  }

  @Override
  public Future<Void> save(List<KeyRecord> list) {
    records.set(List.copyOf(list));
    return Future.succeededFuture();
  }
}
