package eu.panosc.aai.session;

import io.vertx.core.Future;
import java.util.Collection;

/** The scopes each user consented to for each client ({@code aai.consent}); later consents add scopes. */
public interface Consents {
  /** Whether the user already consented to every one of {@code scopes} for the client. */
  Future<Boolean> covers(String userId, String clientId, Collection<String> scopes);

  Future<Void> remember(String userId, String clientId, Collection<String> scopes);

  /** A consent as its user sees it on the account page. */
  record Given(String clientId, java.util.List<String> scopes, java.time.Instant grantedAt) {}

  /** The user's consents, by client id. */
  Future<java.util.List<Given>> given(String userId);

  /** Forgets the user's consent for the client (the next sign-in asks again); false when there was none. */
  Future<Boolean> revoke(String userId, String clientId);
}
