package eu.panosc.aai.saml.sp;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SamlFlows} in memory (tests, a single replica); one map entry per handle hash. */
public final class InMemorySamlFlows implements SamlFlows {
  private record Entry(SamlFlow flow, Instant expiresAt, boolean consumed) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration lifetime;

  public InMemorySamlFlows(Clock clock, Duration lifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<String> start(SamlFlow flow) {
    Objects.requireNonNull(flow, "flow");
    String handle = Opaque.random();
    entries.put(Opaque.hash(handle), new Entry(flow, clock.instant().plus(lifetime), false));
    return Future.succeededFuture(handle);
  }

  @Override
  public Future<Lookup> take(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(new Lookup.Missing());
    }
    Instant now = clock.instant();
    Lookup[] result = {new Lookup.Missing()};
    entries.computeIfPresent(Opaque.hash(handle), (k, e) -> {
      if (e.consumed()) {
        result[0] = new Lookup.Replayed();
        return e;
      }
      if (!e.expiresAt().isAfter(now)) {
        result[0] = new Lookup.Expired();
        return e;
      }
      result[0] = new Lookup.Found(e.flow());
      return new Entry(e.flow(), e.expiresAt(), true);
    });
    return Future.succeededFuture(result[0]);
  }

  @Override
  public Future<Void> purgeExpired() {
    Instant cutoff = clock.instant().minus(lifetime);
    entries.values().removeIf(e -> e.expiresAt().isBefore(cutoff));
    return Future.succeededFuture();
  }
}
