package eu.panosc.aai.oidc;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Sign-ins and sign-outs in flight at upstream OPs, keyed by an opaque random handle (256 bits, base64url) that travels
 * as the OAuth {@code state} and carries no data; only its SHA-256 is stored. A handle is taken once: later takes learn
 * it was {@link Lookup.Replayed}, an unused one past its lifetime is {@link Lookup.Expired}, anything else
 * {@link Lookup.Missing}.
 */
public interface OidcFlows {
  /** How long a handle stays usable. */
  Duration lifetime();

  /** Remembers {@code flow}; succeeds with its new handle. */
  Future<String> start(OidcFlow flow);

  /** The flow of {@code handle}, used up at once (of concurrent takes, one wins). */
  Future<Lookup> take(String handle);

  /** Drops flows whose lifetime ended more than a lifetime ago. */
  Future<Void> purgeExpired();

  /** What a handle turned out to be. */
  sealed interface Lookup {
    record Found(OidcFlow flow) implements Lookup {}

    record Expired() implements Lookup {}

    record Replayed() implements Lookup {}

    record Missing() implements Lookup {}
  }
}
