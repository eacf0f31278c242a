package eu.panosc.aai.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.user.Users;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET|POST /userinfo} (OIDC Core §5.3): for a bearer access token of this provider with the
 * {@code openid} scope, the user's claims by granted scope ({@code profile} → {@code name}, {@code email} →
 * {@code email}); {@code sub} is the token's pairwise subject. Errors are RFC 6750 §3 challenges.
 */
public final class UserInfoEndpoint {
  private final AccessTokens tokens;
  private final RevokedTokens revoked;
  private final GrantStore grants;
  private final Users users;

  public UserInfoEndpoint(AccessTokens tokens, RevokedTokens revoked, GrantStore grants, Users users) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.users = Objects.requireNonNull(users, "users");
  }

  public void mount(Router router) {
    router.get("/userinfo").handler(this::userinfo);
    router.post("/userinfo").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::userinfo);
  }

  private void userinfo(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null && ctx.request().method().name().equals("POST")) {
      // RFC 6750 §2.2: form-encoded body parameter
      token = ctx.request().formAttributes().get("access_token");
    }
    if (token == null) {
      throw OAuthError.invalidToken("a bearer access token is required");
    }
    Optional<JWTClaimsSet> claims = tokens.verifyOwn(token).filter(c -> !revoked.isRevoked(c.getJWTID()));
    if (claims.isEmpty()) {
      throw OAuthError.invalidToken("the access token is not valid, expired or revoked");
    }
    JWTClaimsSet c = claims.get();
    List<String> scopes = List.of(String.valueOf(c.getClaim("scope")).split(" "));
    if (!scopes.contains("openid")) {
      throw OAuthError.insufficientScope("the access token was not granted the openid scope");
    }
    grants.userOfAccessToken(c.getJWTID())
        .compose(user -> user.isEmpty() ? Future.failedFuture(OAuthError.invalidToken("the grant was revoked"))
            : users.find(user.get()))
        .onSuccess(user -> {
          JsonObject attributes = user.map(Users.User::attributes).orElse(new JsonObject());
          JsonObject out = new JsonObject().put("sub", c.getSubject());
          if (scopes.contains("profile") && attributes.getString("name") != null) {
            out.put("name", attributes.getString("name"));
          }
          if (scopes.contains("email") && attributes.getString("email") != null) {
            out.put("email", attributes.getString("email"));
          }
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(out.encode());
        })
        .onFailure(ctx::fail);
  }
}
