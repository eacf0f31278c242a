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

  /** Where the browser goes once the broker session has ended and an upstream session is to end too. */
  sealed interface Step {
    /** On (303) to {@code location} (e.g. SAML HTTP-Redirect binding). */
    record Redirect(String location) implements Step {}

    /** An auto-submitting form posting {@code fields} to {@code action} (e.g. SAML HTTP-POST binding). */
    record Post(String action, java.util.Map<String, String> fields) implements Step {
      public Post {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
      }
    }

    /**
     * The session came from upstream {@code upstreamName}, which offers no logout the broker can start: the person is
     * signed out here only, and the page says so.
     */
    record LocalOnly(String upstreamName) implements Step {}
  }

  /** As {@link #after}, with every way on: by default, {@link #after}'s URL as a redirect. */
  default Future<Optional<Step>> next(String sid, String redirect, String state) {
    return after(sid, redirect, state).map(url -> url.map(Step.Redirect::new));
  }
}
