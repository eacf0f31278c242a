package eu.panosc.pdp.store;

import eu.panosc.platform.health.ReadinessCheck;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Readiness of this replica's decisions: down while the {@link CacheFollower} could not reload after a change
 * batch it could not apply (then the cache is suspended and decisions deny), so a load balancer stops
 * sending requests here.
 */
public final class CacheReadiness implements ReadinessCheck {
  private final Supplier<CacheFollower> follower;

  /** {@code follower} supplies the follower once the module is mounted (null before). */
  public CacheReadiness(Supplier<CacheFollower> follower) {
    this.follower = Objects.requireNonNull(follower, "follower");
  }

  @Override
  public String name() {
    return "pdp-relation-cache";
  }

  @Override
  public Future<Void> check() {
    CacheFollower f = follower.get();
    if (f == null) {
      return Future.failedFuture("the relation cache is not loaded yet");
    }
    String problem = f.problem();
    return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
  }
}
