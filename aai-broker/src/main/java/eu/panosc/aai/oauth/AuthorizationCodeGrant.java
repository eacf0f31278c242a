package eu.panosc.aai.oauth;

import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.TokenResponse;
import eu.panosc.aai.token.UserTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * RFC 6749 §4.1.3: exchanges an authorization code for tokens. The code works once, for 60 s, for the client
 * and redirect URI it was issued to, with the PKCE verifier of its challenge (RFC 7636 §4.6); presenting a
 * used code again revokes every token issued from it (RFC 6749 §4.1.2). Public clients may use it (PKCE
 * proves possession).
 */
public final class AuthorizationCodeGrant implements Grant {
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private final GrantStore grants;
  private final UserTokenIssuer issuer;
  private final Clock clock;

  public AuthorizationCodeGrant(GrantStore grants, UserTokenIssuer issuer, Clock clock) {
    this.grants = Objects.requireNonNull(grants, "grants");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String type() {
    return "authorization_code";
  }

  @Override
  public boolean allowsPublicClients() {
    return true;
  }

  @Override
  public Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form) {
    String code = form.get("code");
    String redirectUri = form.get("redirect_uri");
    String verifier = form.get("code_verifier");
    if (code == null || redirectUri == null) {
      return Future.failedFuture(OAuthError.invalidRequest("code and redirect_uri are required"));
    }
    if (verifier != null && !VERIFIER.matcher(verifier).matches()) {
      // RFC 7636 §4.1
      return Future.failedFuture(OAuthError.invalidRequest("code_verifier must be 43-128 characters of [A-Za-z0-9._~-]"));
    }
    return grants.redeemCode(code).compose(outcome -> switch (outcome) {
      case GrantStore.Unknown<GrantStore.Code> u -> Future.failedFuture(OAuthError.invalidGrant("the code is not valid"));
      // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it
      case GrantStore.Reused<GrantStore.Code> r -> grants.revokeFamily(r.familyId()).compose(v -> Future.failedFuture(
          OAuthError.invalidGrant("the code was already used; the tokens issued from it are now revoked")));
      case GrantStore.Valid<GrantStore.Code> v -> exchange(client, v.value(), redirectUri, verifier);
    });
  }

  private Future<TokenResponse> exchange(AuthenticatedClient client, GrantStore.Code code, String redirectUri,
      String verifier) {
    if (!code.expiresAt().isAfter(clock.instant())) {
      return Future.failedFuture(OAuthError.invalidGrant("the code has expired; codes are valid for 60 seconds"));
    }
    if (!code.clientId().equals(client.clientId())) {
      // RFC 6749 §4.1.3: issued to another client
      return Future.failedFuture(OAuthError.invalidGrant("the code was issued to another client"));
    }
    if (!code.redirectUri().equals(redirectUri)) {
      // RFC 6749 §4.1.3: identical to the authorization request's
      return Future.failedFuture(OAuthError.invalidGrant("redirect_uri differs from the authorization request's"));
    }
    if (code.codeChallenge() != null) {
      if (verifier == null) {
        // RFC 7636 §4.6
        return Future.failedFuture(OAuthError.invalidGrant("code_verifier is required (PKCE)"));
      }
      if (!Opaque.equal(code.codeChallenge(), Opaque.s256(verifier))) {
        return Future.failedFuture(OAuthError.invalidGrant("code_verifier does not match the code_challenge"));
      }
    } else if (verifier != null) {
      // RFC 9700 §2.1.1: no challenge was sent, so a verifier means a downgrade attempt
      return Future.failedFuture(OAuthError.invalidGrant("code_verifier sent, but the authorization request had no "
          + "code_challenge"));
    }
    if (code.family().revoked()) {
      return Future.failedFuture(OAuthError.invalidGrant("the grant was revoked"));
    }
    return issuer.issue(client.registered(), code.family(), code.family().scopes(), code.nonce());
  }
}
