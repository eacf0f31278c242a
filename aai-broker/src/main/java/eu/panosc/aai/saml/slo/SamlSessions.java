package eu.panosc.aai.saml.slo;

import eu.panosc.aai.saml.sp.SamlSubject;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What SAML Single Logout remembers: per broker session ({@code sid}) the {@link SamlSubject} of the login that
 * started it, until the session's expiry; and SP-initiated logouts waiting for the IdP's LogoutResponse, under an
 * opaque random RelayState handle (only its SHA-256 stored) taken once, like the login flows.
 */
public interface SamlSessions {
  /** A broker session started by a SAML login. */
  record Link(String sid, SamlSubject subject) {}

  /** An SP-initiated logout in flight: our LogoutRequest's ID, the IdP, where the browser goes afterwards. */
  record LogoutFlow(String requestId, String idpEntityId, String redirect, String state) {}

  /** How long a logout handle stays usable (the time the IdP has to answer). */
  Duration logoutLifetime();

  /** Remembers that {@code sid} was started by a login of {@code subject}, until {@code expiresAt}. */
  Future<Void> remember(String sid, SamlSubject subject, Instant expiresAt);

  /** The subject of the live session {@code sid}, if a SAML login started it. */
  Future<Optional<SamlSubject>> find(String sid);

  /** The live sessions of the subject {@code nameId} at {@code idpEntityId} (any SessionIndex, any qualifiers). */
  Future<List<Link>> bySubject(String idpEntityId, String nameId);

  /** Forgets {@code sid} (its session ended). */
  Future<Void> forget(String sid);

  /** Remembers {@code flow}; succeeds with its new handle (the RelayState). */
  Future<String> startLogout(LogoutFlow flow);

  /** The flow of {@code handle}, used up at once. */
  Future<Lookup> takeLogout(String handle);

  /** Drops expired links, and logout flows a lifetime past their expiry. */
  Future<Void> purgeExpired();

  /** What a logout handle turned out to be. */
  sealed interface Lookup {
    record Found(LogoutFlow flow) implements Lookup {}

    record Expired() implements Lookup {}

    record Replayed() implements Lookup {}

    record Missing() implements Lookup {}
  }
}
