package eu.panosc.pdp.policy;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link PolicyStore} in a list, for engine tests without a database. */
public final class InMemoryPolicyStore implements PolicyStore {
  private final List<StoredPolicy> rows = new ArrayList<>();

  @Override
  public synchronized Future<java.util.Map<String, Integer>> versions() {
    java.util.Map<String, Integer> out = new java.util.HashMap<>();
    rows.forEach(r -> out.merge(r.facility(), r.version(), Math::max));
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Integer> add(String facility, String file, String source) {
    int version = rows.stream().filter(r -> r.facility().equals(facility)).mapToInt(StoredPolicy::version).max()
        .orElse(0) + 1;
    rows.add(new StoredPolicy(facility, version, file, source, Instant.now()));
    return Future.succeededFuture(version);
  }

  @Override
  public synchronized Future<List<StoredPolicy>> latest() {
    return Future.succeededFuture(rows.stream().filter(r -> rows.stream()
        .noneMatch(o -> o.facility().equals(r.facility()) && o.version() > r.version())).toList());
  }

  @Override
  public synchronized Future<List<StoredPolicy>> history(String facility) {
    return Future.succeededFuture(rows.stream().filter(r -> r.facility().equals(facility))
        .sorted(Comparator.comparingInt(StoredPolicy::version).reversed()).toList());
  }
}
