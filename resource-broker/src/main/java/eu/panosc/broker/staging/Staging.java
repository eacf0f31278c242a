package eu.panosc.broker.staging;

import eu.panosc.broker.driver.kubernetes.SessionObjects;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Staging of sessions' data on the clusters that need it: begins a session's Job, follows it (recording progress in
 * the {@link StagingStore}), recreates a Job that vanished while it was running, and removes it once done.
 */
public final class Staging {
  private final StagingStore store;
  private final StagingSettings settings;
  private final Function<String, Optional<KubernetesStaging>> clusters;
  private final Clock clock;

  /** @param clusters the staging of each cluster that can stage (Kubernetes ones), by cluster id */
  public Staging(StagingStore store, StagingSettings settings, Function<String, Optional<KubernetesStaging>> clusters,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public StagingSettings settings() {
    return settings;
  }

  /** Whether sessions on {@code cluster} can have their data staged there. */
  public boolean canStage(String cluster) {
    return clusters.apply(cluster).isPresent();
  }

  /** The scratch claim a session's staged data goes into (the one its pod mounts at {@code /scratch}). */
  public static String claim(String sessionId) {
    return SessionObjects.scratchName(sessionId);
  }

  private KubernetesStaging on(String cluster) {
    return clusters.apply(cluster).orElseThrow(() -> new IllegalStateException("cluster " + cluster
        + " cannot stage data (not a Kubernetes cluster, or no longer registered)"));
  }

  /** Creates the session's claim and Job on {@code cluster} (idempotent) and records it RUNNING. */
  public Future<StagingProgress> begin(String cluster, StagingJob job) {
    Instant now = clock.instant();
    StagingProgress p = new StagingProgress(job.sessionId(), cluster, KubernetesStaging.jobName(job.sessionId()),
        StagingProgress.State.RUNNING, job.items().size(), 0, job.bytes(), 0, Optional.empty(), now, now);
    return Future.<KubernetesStaging>future(pr -> pr.complete(on(cluster))).compose(k -> k.start(job))
        .compose(x -> store.put(p)).map(p);
  }

  /**
   * Looks at the session's Job and records what it says: RUNNING with the datasets (and bytes) copied so far,
   * SUCCEEDED, or FAILED with the Job's reason. A Job that vanished while running is created again.
   */
  public Future<StagingProgress> check(String cluster, StagingJob job) {
    KubernetesStaging k;
    try {
      k = on(cluster);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    return store.get(job.sessionId()).compose(before -> k.observe(job.sessionId()).compose(seen -> {
      Instant now = clock.instant();
      StagingProgress base = before.filter(b -> b.cluster().equals(cluster)).orElseGet(() ->
          new StagingProgress(job.sessionId(), cluster, KubernetesStaging.jobName(job.sessionId()),
              StagingProgress.State.RUNNING, job.items().size(), 0, job.bytes(), 0, Optional.empty(), now, now));
      if (seen.phase() == KubernetesStaging.Observed.Phase.ABSENT) {
        if (base.state() != StagingProgress.State.RUNNING) {
          return Future.succeededFuture(base);
        }
        // vanished while running (deleted behind the broker's back, or never created): created again
        return k.start(job).compose(x -> store.put(base.advanced(StagingProgress.State.RUNNING, 0, 0,
            Optional.empty(), now))).compose(x -> store.get(job.sessionId())).map(Optional::orElseThrow);
      }
      Set<Integer> completed = seen.completed();
      int done = 0;
      long bytes = 0;
      for (int i = 0; i < job.items().size(); i++) {
        if (completed.contains(i)) {
          done++;
          bytes += job.items().get(i).sizeBytes();
        }
      }
      StagingProgress next = switch (seen.phase()) {
        case SUCCEEDED -> base.advanced(StagingProgress.State.SUCCEEDED, job.items().size(), job.bytes(),
            Optional.empty(), now);
        case FAILED -> base.advanced(StagingProgress.State.FAILED, done, bytes, Optional.of(seen.reason()), now);
        default -> base.advanced(StagingProgress.State.RUNNING, done, bytes, Optional.empty(), now);
      };
      if (next.state() == base.state() && next.done() == base.done() && before.isPresent()) {
        return Future.succeededFuture(before.get());
      }
      return store.put(next).map(next);
    }));
  }

  /** Removes the session's Job from {@code cluster} (its claim stays); nothing when the cluster cannot stage. */
  public Future<Void> remove(String cluster, String sessionId) {
    return clusters.apply(cluster).map(k -> k.remove(sessionId)).orElseGet(Future::succeededFuture);
  }

  /** The recorded progress of those of {@code sessionIds} that were staged. */
  public Future<Map<String, StagingProgress>> progress(Collection<String> sessionIds) {
    return store.get(sessionIds);
  }
}
