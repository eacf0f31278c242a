package eu.panosc.accounting.web;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the report page keeps sign-ins in progress and signed-in browser sessions, both under the SHA-256 of a
 * random value only the browser holds (state cookie, session cookie), so a leak of the store is no key to a
 * session. Several replicas share one store.
 */
public interface PageSessions {
  /** An authorization request on its way: PKCE verifier, nonce, and the page query to return to. */
  record PendingLogin(String stateHash, String codeVerifier, String nonce, String returnQuery, Instant expiresAt) {
    public PendingLogin {
      Objects.requireNonNull(stateHash, "stateHash");
      Objects.requireNonNull(codeVerifier, "codeVerifier");
      Objects.requireNonNull(nonce, "nonce");
      Objects.requireNonNull(returnQuery, "returnQuery");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** A signed-in person: pairwise subject, display name, whether a report reader, CSRF token, ID token. */
  record PageSession(String idHash, String subject, String displayName, boolean reader, String csrf, String idToken,
      Instant expiresAt) {
    public PageSession {
      Objects.requireNonNull(idHash, "idHash");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(csrf, "csrf");
      Objects.requireNonNull(idToken, "idToken");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "PageSession[subject=" + subject + ", reader=" + reader + ", expiresAt=" + expiresAt + "]";
    }
  }

  Future<Void> saveLogin(PendingLogin login);

  /** Removes and returns the pending login of this state if it has not expired at {@code now}: usable once. */
  Future<Optional<PendingLogin>> takeLogin(String stateHash, Instant now);

  Future<Void> saveSession(PageSession session);

  /** The session if it exists and has not expired at {@code now}. */
  Future<Optional<PageSession>> session(String idHash, Instant now);

  /** Ends a session (nothing happens when it does not exist). */
  Future<Void> deleteSession(String idHash);
}
