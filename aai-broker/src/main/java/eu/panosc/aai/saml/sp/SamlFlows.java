package eu.panosc.aai.saml.sp;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * The server-side state of SAML logins in flight, keyed by an opaque random handle (256 bits, base64url) that travels
 * as the RelayState and carries no data; the store keeps only its SHA-256. A handle is taken once: the first
 * {@link #take} gets the flow, later ones learn it was {@link Lookup.Replayed}; an unused handle past its lifetime
 * is {@link Lookup.Expired}; anything else (never issued, malformed, purged) is {@link Lookup.Missing}. A person
 * seeing one of these gets a page that says which and offers to start again.
 */
public interface SamlFlows {
  /** How long a handle stays usable (the time a person has to log in at the IdP). */
  Duration lifetime();

  /** Remembers {@code flow}; succeeds with its new handle. */
  Future<String> start(SamlFlow flow);

  /** The flow of {@code handle}, used up at once (also when two replicas take it at the same moment: one wins). */
  Future<Lookup> take(String handle);

  /** Drops flows whose lifetime ended more than a lifetime ago (until then a replay is still told apart). */
  Future<Void> purgeExpired();

  /** What a handle turned out to be. */
  sealed interface Lookup {
    /** The flow, now used up. */
    record Found(SamlFlow flow) implements Lookup {}

    /** Issued by us and not used, but too late. */
    record Expired() implements Lookup {}

    /** Already used once (a reload, a back button, or a replay). */
    record Replayed() implements Lookup {}

    /** Unknown: never issued, malformed, or purged. */
    record Missing() implements Lookup {}
  }
}
