package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link TrustMarkStore} in memory, for tests and throw-away demos. */
public final class InMemoryTrustMarkStore implements TrustMarkStore {
  private final Map<String, TrustMarkRecord> records = new ConcurrentHashMap<>();

  @Override
  public Future<Void> save(TrustMarkRecord record) {
    records.put(record.id(), record);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<TrustMarkRecord>> list(String type, String sub) {
    return Future.succeededFuture(records.values().stream()
        .filter(r -> type == null || r.type().equals(type))
        .filter(r -> sub == null || r.sub().equals(sub))
        .sorted(Comparator.comparing(TrustMarkRecord::issuedAt).reversed())
        .toList());
  }

  @Override
  public Future<Optional<TrustMarkRecord>> findByJwt(String jwt) {
    return Future.succeededFuture(records.values().stream().filter(r -> r.jwt().equals(jwt)).findFirst());
  }

  @Override
  public Future<Boolean> revoke(String id, Instant at) {
    TrustMarkRecord r = records.get(id);
    if (r == null) {
      return Future.succeededFuture(false);
    }
    records.put(id, new TrustMarkRecord(r.id(), r.type(), r.sub(), r.issuedAt(), r.expiresAt(), r.jwt(), at));
    return Future.succeededFuture(true);
  }
}
