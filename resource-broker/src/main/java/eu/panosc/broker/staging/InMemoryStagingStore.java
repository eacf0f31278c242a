package eu.panosc.broker.staging;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link StagingStore} in memory, for tests and single-process use. */
public final class InMemoryStagingStore implements StagingStore {
  private final Map<String, StagingProgress> rows = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(StagingProgress progress) {
    rows.put(progress.sessionId(), progress);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<StagingProgress>> get(String sessionId) {
    return Future.succeededFuture(Optional.ofNullable(rows.get(sessionId)));
  }

  @Override
  public Future<Map<String, StagingProgress>> get(Collection<String> sessionIds) {
    Map<String, StagingProgress> out = new LinkedHashMap<>();
    sessionIds.forEach(id -> {
      StagingProgress p = rows.get(id);
      if (p != null) {
        out.put(id, p);
      }
    });
    return Future.succeededFuture(out);
  }
}
