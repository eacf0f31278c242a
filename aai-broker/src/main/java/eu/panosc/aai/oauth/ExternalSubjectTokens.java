package eu.panosc.aai.oauth;

import io.vertx.core.Future;

/**
 * Subject tokens of RFC 8693 token exchange that another issuer signed: access tokens of the broker's upstream OPs
 * (eduTEAMS, MyAccessID), verified against that OP's keys and resolved to the broker's canonical user through the
 * same identity mapping as a sign-in there.
 */
public interface ExternalSubjectTokens {
  /** Whether {@code token} claims to be from an issuer whose tokens may be exchanged (not yet verified). */
  boolean accepts(String token);

  /**
   * The canonical user id behind {@code token}, once verified; fails with an {@code OAuthError}: {@code invalid_request}
   * for a token that does not verify, {@code invalid_grant} when no broker user has that identity.
   */
  Future<String> userOf(String token);

  /** No external tokens. */
  ExternalSubjectTokens NONE = new ExternalSubjectTokens() {
    @Override
    public boolean accepts(String token) {
      return false;
    }

    @Override
    public Future<String> userOf(String token) {
      return Future.failedFuture(new IllegalStateException("no external tokens"));
    }
  };
}
