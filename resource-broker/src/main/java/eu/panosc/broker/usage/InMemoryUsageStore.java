package eu.panosc.broker.usage;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A {@link UsageStore} in memory, for tests and single-process use. */
public final class InMemoryUsageStore implements UsageStore {
  private record Row(UsageRecord record, Instant created, Instant due, Instant delivered) {}

  private record Mark(Instant until, boolean last) {}

  private final Map<String, Row> outbox = new LinkedHashMap<>();
  private final Map<String, Mark> marks = new HashMap<>();

  @Override
  public synchronized Future<Integer> accrue(String sessionId, Instant start, Instant to, boolean last,
      Interval interval) {
    Mark m = marks.get(sessionId);
    if (m != null && m.last()) {
      return Future.succeededFuture(0);
    }
    Instant from = m == null ? start : m.until();
    if (!from.isBefore(to)) {
      marks.put(sessionId, new Mark(from, last));
      return Future.succeededFuture(0);
    }
    int added = 0;
    for (UsageRecord r : interval.records(from, to)) {
      if (!outbox.containsKey(r.recordId())) {
        outbox.put(r.recordId(), new Row(r, to, to, null));
        added++;
      }
    }
    marks.put(sessionId, new Mark(to, last));
    return Future.succeededFuture(added);
  }

  @Override
  public synchronized Future<Void> begin(String sessionId, Instant at) {
    marks.putIfAbsent(sessionId, new Mark(at, false));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Set<String>> open() {
    Set<String> out = new TreeSet<>();
    marks.forEach((id, m) -> {
      if (!m.last()) {
        out.add(id);
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Optional<Instant>> mark(String sessionId) {
    return Future.succeededFuture(Optional.ofNullable(marks.get(sessionId)).map(Mark::until));
  }

  @Override
  public synchronized Future<List<UsageRecord>> due(Instant now, int limit) {
    List<UsageRecord> out = new ArrayList<>();
    for (Row r : outbox.values()) {
      if (r.delivered() == null && !r.due().isAfter(now) && out.size() < limit) {
        out.add(r.record());
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Void> delivered(Collection<String> recordIds, Instant at) {
    recordIds.forEach(id -> outbox.computeIfPresent(id, (k, r) -> new Row(r.record(), r.created(), r.due(), at)));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> failed(Collection<String> recordIds, Instant next, String reason) {
    recordIds.forEach(id -> outbox.computeIfPresent(id, (k, r) -> new Row(r.record(), r.created(), next, r.delivered())));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Integer> undelivered() {
    return Future.succeededFuture((int) outbox.values().stream().filter(r -> r.delivered() == null).count());
  }
}
