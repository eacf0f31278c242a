package eu.panosc.broker.cull;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link LifecycleStore} in memory, for tests and single-process use. */
public final class InMemoryLifecycleStore implements LifecycleStore {
  /** The users' default, for sessions whose limit was not recorded. */
  static final Duration DEFAULT_INACTIVITY = Duration.ofDays(4);
  private final Map<String, Activity> activity = new LinkedHashMap<>();
  private final List<Notice> notices = new ArrayList<>();

  @Override
  public synchronized Future<Void> register(String sessionId, Duration inactivity, Instant at) {
    activity.putIfAbsent(sessionId, new Activity(sessionId, inactivity, Optional.empty(), false, Optional.empty(),
        Optional.empty(), Optional.empty()));
    return Future.succeededFuture();
  }

  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
  }

  @Override
  public synchronized Future<Void> report(String sessionId, ActivityReport r, Instant at) {
    Activity a = activity.getOrDefault(sessionId, new Activity(sessionId, DEFAULT_INACTIVITY, Optional.empty(), false,
        Optional.empty(), Optional.empty(), Optional.empty()));
    Optional<Instant> gpu = r.gpuUtilisation().filter(g -> g > ActivityReport.GPU_BUSY_PERCENT).map(g -> at);
    // a kernel busy now is in use now, whatever its last interaction was
    Optional<Instant> kernel = later(r.kernelLastActivity(), r.kernelBusy().filter(b -> b).map(b -> at));
    activity.put(sessionId, new Activity(sessionId, a.inactivity(), later(a.kernel(), kernel),
        r.kernelBusy().orElse(a.kernelBusy()), later(a.desktop(), r.desktopLastInput()), later(a.gpu(), gpu),
        later(a.reported(), Optional.of(at))));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Map<String, Activity>> activity(Collection<String> sessionIds) {
    Map<String, Activity> out = new LinkedHashMap<>();
    sessionIds.forEach(id -> {
      if (activity.containsKey(id)) {
        out.put(id, activity.get(id));
      }
    });
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Boolean> notify(Notice n) {
    boolean exists = notices.stream().anyMatch(x -> x.sessionId().equals(n.sessionId()) && x.kind() == n.kind()
        && x.due().equals(n.due()) && x.leadHours() == n.leadHours());
    if (!exists) {
      notices.add(n);
    }
    return Future.succeededFuture(!exists);
  }

  @Override
  public synchronized Future<Map<String, List<Notice>>> notices(Collection<String> sessionIds) {
    Map<String, List<Notice>> out = new LinkedHashMap<>();
    notices.stream().filter(n -> sessionIds.contains(n.sessionId())).sorted(Comparator.comparing(Notice::issued))
        .forEach(n -> out.computeIfAbsent(n.sessionId(), k -> new ArrayList<>()).add(n));
    return Future.succeededFuture(out);
  }
}
