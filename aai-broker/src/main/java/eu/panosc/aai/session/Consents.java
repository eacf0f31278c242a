package eu.panosc.aai.session;

import io.vertx.core.Future;
import java.util.Collection;

/** The scopes each user consented to for each client ({@code aai.consent}); later consents add scopes. */
public interface Consents {
  /** Whether the user already consented to every one of {@code scopes} for the client. */
  Future<Boolean> covers(String userId, String clientId, Collection<String> scopes);

  Future<Void> remember(String userId, String clientId, Collection<String> scopes);
}
