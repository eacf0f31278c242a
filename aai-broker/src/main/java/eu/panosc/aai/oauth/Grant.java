package eu.panosc.aai.oauth;

import eu.panosc.aai.token.TokenResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * One grant type of the token endpoint. The endpoint authenticates the client, applies its rate limit and
 * checks that the client is registered for this grant before calling {@link #handle}; a grant only
 * validates its own parameters and issues tokens. Errors are {@link OAuthError}s.
 */
public interface Grant {
  /** The {@code grant_type} value, e.g. {@code client_credentials}. */
  String type();

  /** Whether a public client (no secret; PKCE instead) may use this grant. */
  default boolean allowsPublicClients() {
    return false;
  }

  Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form);
}
