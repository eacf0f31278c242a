package eu.panosc.aai.logout;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Ending the upstream session too (SAML Single Logout, SP-initiated) once a broker session has ended: where to send
 * the browser (the IdP's Single Logout endpoint with a signed LogoutRequest), which after the IdP's answer continues
 * to {@code redirect} (an already checked {@code post_logout_redirect_uri}, with {@code state}) or to the signed-out
 * page. Empty when the session was not started by an upstream that supports it.
 */
@FunctionalInterface
public interface UpstreamLogout {
  Future<Optional<String>> after(String sid, String redirect, String state);

  /** No upstream logout. */
  UpstreamLogout NONE = (sid, redirect, state) -> Future.succeededFuture(Optional.empty());
}
