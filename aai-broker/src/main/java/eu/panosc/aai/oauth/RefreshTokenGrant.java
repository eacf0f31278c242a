package eu.panosc.aai.oauth;

import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.TokenResponse;
import eu.panosc.aai.token.UserTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * RFC 6749 §6: a refresh token for new tokens. Every use rotates it (the old one stops working); presenting an
 * already rotated token revokes the whole family, refresh and access tokens alike (RFC 9700 §4.14.2). Scopes
 * may be narrowed, never widened beyond the original grant.
 */
public final class RefreshTokenGrant implements Grant {
  private final GrantStore grants;
  private final UserTokenIssuer issuer;

  public RefreshTokenGrant(GrantStore grants, UserTokenIssuer issuer) {
    this.grants = Objects.requireNonNull(grants, "grants");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
  }

  @Override
  public String type() {
    return "refresh_token";
  }

  @Override
  public boolean allowsPublicClients() {
    return true;
  }

  @Override
  public Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form) {
    String token = form.get("refresh_token");
    if (token == null) {
      return Future.failedFuture(OAuthError.invalidRequest("refresh_token is required"));
    }
    return grants.findRefreshToken(token).compose(outcome -> switch (outcome) {
      case GrantStore.Unknown<GrantStore.Family> u ->
          Future.failedFuture(OAuthError.invalidGrant("the refresh token is not valid or has expired"));
      // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the family
      case GrantStore.Reused<GrantStore.Family> r -> grants.revokeFamily(r.familyId()).compose(v -> Future.failedFuture(
          OAuthError.invalidGrant("the refresh token was already used; every token of this grant is now revoked")));
      case GrantStore.Valid<GrantStore.Family> v -> refresh(client, v.value(), token, form.get("scope"));
    });
  }

  private Future<TokenResponse> refresh(AuthenticatedClient client, GrantStore.Family family, String token,
      String scope) {
    if (!family.clientId().equals(client.clientId())) {
      // RFC 6749 §6: bound to the client it was issued to
      return Future.failedFuture(OAuthError.invalidGrant("the refresh token was not issued to this client"));
    }
    if (family.revoked()) {
      return Future.failedFuture(OAuthError.invalidGrant("the grant was revoked"));
    }
    Set<String> scopes = family.scopes();
    if (scope != null && !scope.isBlank()) {
      scopes = new LinkedHashSet<>(Grant.scopeTokens(scope));
      for (String s : scopes) {
        if (!family.scopes().contains(s)) {
          // RFC 6749 §6: MUST NOT include any scope not originally granted
          return Future.failedFuture(OAuthError.invalidScope("scope " + s + " was not granted originally"));
        }
      }
    }
    Set<String> granted = scopes;
    return grants.rotateRefreshToken(token).compose(rotated -> rotated
        ? issuer.issue(client.registered(), family, granted, null)
        // used concurrently by another request: one of the two is not the legitimate client
        : grants.revokeFamily(family.id()).compose(v -> Future.failedFuture(
            OAuthError.invalidGrant("the refresh token was already used; every token of this grant is now revoked"))));
  }
}
