package eu.panosc.broker.cull;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What is known about a session's use, besides its proxied traffic: the last kernel activity and whether a kernel
 * was busy at the last report (a busy kernel with its browser tab closed is not idle), the last desktop input, the
 * last time its GPU was in use, when the session last reported, and its inactivity limit. A report of a busy kernel
 * moves {@code kernel} to the report's time.
 */
public record Activity(String sessionId, Duration inactivity, Optional<Instant> kernel, boolean kernelBusy,
    Optional<Instant> desktop, Optional<Instant> gpu, Optional<Instant> reported) {
  public Activity {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(inactivity, "inactivity");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(desktop, "desktop");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(reported, "reported");
  }

  /** The last moment the session counts as used, given its proxied traffic at {@code proxied}. */
  public Instant lastActive(Instant proxied) {
    Optional<Instant> busy = kernelBusy ? reported : Optional.empty();
    return Stream.of(Optional.of(proxied), kernel, desktop, gpu, busy).flatMap(Optional::stream)
        .max(Instant::compareTo).orElse(proxied);
  }
}
