package eu.panosc.aai.register;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link PendingRegistrations} in memory (tests, a single replica). */
public final class InMemoryPendingRegistrations implements PendingRegistrations {
  private record Entry(PendingRegistration registration, Instant expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration lifetime;

  public InMemoryPendingRegistrations(Clock clock, Duration lifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<String> save(PendingRegistration registration) {
    return PgPendingRegistrations.checked(registration).map(ok -> {
      String handle = Opaque.random();
      entries.put(Opaque.hash(handle), new Entry(registration, clock.instant().plus(lifetime)));
      return handle;
    });
  }

  @Override
  public Future<Optional<PendingRegistration>> find(String handle) {
    Entry e = Opaque.isRandom(handle) ? entries.get(Opaque.hash(handle)) : null;
    return Future.succeededFuture(e == null || !e.expiresAt().isAfter(clock.instant()) ? Optional.empty()
        : Optional.of(e.registration()));
  }

  @Override
  public Future<Optional<PendingRegistration>> take(String handle) {
    Entry e = Opaque.isRandom(handle) ? entries.remove(Opaque.hash(handle)) : null;
    return Future.succeededFuture(e == null || !e.expiresAt().isAfter(clock.instant()) ? Optional.empty()
        : Optional.of(e.registration()));
  }

  @Override
  public Future<Void> purgeExpired() {
    Instant now = clock.instant();
    entries.values().removeIf(e -> !e.expiresAt().isAfter(now));
    return Future.succeededFuture();
  }
}
