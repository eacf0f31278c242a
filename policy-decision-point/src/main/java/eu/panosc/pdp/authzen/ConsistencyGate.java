package eu.panosc.pdp.authzen;

import eu.panosc.pdp.store.AppliedChanges;
import eu.panosc.pdp.store.ConsistencyToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Honours {@code X-Consistency-Token} on the AuthZEN routes: when this replica's cache has not yet
 * applied the write the token names, the request waits (without blocking the event loop) until it has,
 * at most {@code wait}; still behind then, it is refused (the endpoint answers 503 with {@code Retry-After})
 * instead of being decided from a stale view (a PEP treats any error as deny). A token this PDP did not
 * issue is a 400.
 */
public final class ConsistencyGate {
  public static final String METER = "panosc_pdp_consistency_waits_total";

  private final AppliedChanges follower;
  private final Duration wait;
  private final Counter fresh;
  private final Counter waited;
  private final Counter stale;

  public ConsistencyGate(AppliedChanges follower, Duration wait, MeterRegistry meters) {
    this.follower = Objects.requireNonNull(follower, "follower");
    this.wait = Objects.requireNonNull(wait, "wait");
    this.fresh = meters.counter(METER, "outcome", "fresh");
    this.waited = meters.counter(METER, "outcome", "waited");
    this.stale = meters.counter(METER, "outcome", "stale");
  }

  /**
   * Completes once this replica's cache holds the write {@code token} names (at once without a token). Fails
   * with an {@link AuthzenException}: 400 for a token this PDP did not issue, 503 when still behind after
   * the wait.
   */
  public Future<Void> admit(String token) {
    if (token == null) {
      return Future.succeededFuture();
    }
    OptionalLong seq = ConsistencyToken.parse(token);
    if (seq.isEmpty()) {
      return Future.failedFuture(
          AuthzenException.badRequest(ConsistencyToken.HEADER + " is not a consistency token this PDP issued"));
    }
    if (follower.applied() >= seq.getAsLong()) {
      fresh.increment();
      return Future.succeededFuture();
    }
    return follower.await(seq.getAsLong(), wait).transform(ar -> {
      if (ar.succeeded() && ar.result()) {
        waited.increment();
        return Future.succeededFuture();
      }
      stale.increment();
      return Future.failedFuture(new AuthzenException(503, "This PDP replica has not yet applied the write named by "
          + ConsistencyToken.HEADER + "; try again shortly"));
    });
  }
}
