package eu.panosc.pdp.authzen;

import eu.panosc.pdp.store.CacheFollower;
import eu.panosc.pdp.store.ConsistencyToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Honours {@code X-Consistency-Token} on the AuthZEN routes: when this replica's cache has not yet
 * applied the write the token names, the request waits (without blocking the event loop) until it has,
 * at most {@code wait}; still behind then, it answers 503 with {@code Retry-After} instead of a decision
 * from a stale view (a PEP treats any error as deny). A token this PDP did not issue is a 400.
 */
public final class ConsistencyGate implements Handler<RoutingContext> {
  public static final String METER = "panosc_pdp_consistency_waits_total";

  private final CacheFollower follower;
  private final Duration wait;
  private final Counter fresh;
  private final Counter waited;
  private final Counter stale;

  public ConsistencyGate(CacheFollower follower, Duration wait, MeterRegistry meters) {
    this.follower = Objects.requireNonNull(follower, "follower");
    this.wait = Objects.requireNonNull(wait, "wait");
    this.fresh = meters.counter(METER, "outcome", "fresh");
    this.waited = meters.counter(METER, "outcome", "waited");
    this.stale = meters.counter(METER, "outcome", "stale");
  }

  @Override
  public void handle(RoutingContext rc) {
    String token = rc.request().getHeader(ConsistencyToken.HEADER);
    if (token == null) {
      rc.next();
      return;
    }
    OptionalLong seq = ConsistencyToken.parse(token);
    if (seq.isEmpty()) {
      throw AuthzenException.badRequest(ConsistencyToken.HEADER + " is not a consistency token this PDP issued");
    }
    if (follower.applied() >= seq.getAsLong()) {
      fresh.increment();
      rc.next();
      return;
    }
    follower.await(seq.getAsLong(), wait).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        waited.increment();
        rc.next();
      } else {
        stale.increment();
        rc.response().putHeader("Retry-After", "1");
        rc.fail(new AuthzenException(503, "This PDP replica has not yet applied the write named by "
            + ConsistencyToken.HEADER + "; try again shortly"));
      }
    });
  }
}
