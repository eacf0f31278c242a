package eu.panosc.aai.register;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/**
 * Registration pages shown and not yet submitted, under an opaque random handle (256 bits; only its SHA-256 stored)
 * that the page's form carries. A handle is {@link #find found} as often as the page is shown again (a missing terms
 * acceptance) and {@link #take taken} once, when the registration is submitted.
 */
public interface PendingRegistrations {
  /** How long a registration page stays usable. */
  Duration lifetime();

  /** Remembers {@code registration}; succeeds with its new handle. */
  Future<String> save(PendingRegistration registration);

  /** The registration of {@code handle}, if it is live (not taken, not expired). */
  Future<Optional<PendingRegistration>> find(String handle);

  /** The registration of {@code handle}, used up at once (of concurrent takes, one wins). */
  Future<Optional<PendingRegistration>> take(String handle);

  /** Drops expired registrations. */
  Future<Void> purgeExpired();
}
