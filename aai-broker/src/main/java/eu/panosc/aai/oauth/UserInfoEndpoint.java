package eu.panosc.aai.oauth;

import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.token.TokenCustomizer;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.http.FormBodies;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET|POST /userinfo} (OIDC Core §5.3): for a bearer access token of this provider with the
 * {@code openid} scope, the user's claims by granted scope ({@code profile} → {@code name}, {@code email} →
 * {@code email}); {@code sub} is the token's pairwise subject; {@code voperson_id} (the canonical user id) only
 * when the facility of the token's client allows it now ({@code releaseVopersonId} in the registry). Errors are
 * RFC 6750 §3 challenges.
 */
public final class UserInfoEndpoint {
  private final AccessTokens tokens;
  private final RevokedTokens revoked;
  private final GrantStore grants;
  private final Users users;
  private final RegistryClient registry;

  /** The user's attributes, and the canonical id when the facility's policy releases it. */
  private record Answer(JsonObject attributes, String vopersonId) {}

  public UserInfoEndpoint(AccessTokens tokens, RevokedTokens revoked, GrantStore grants, Users users,
      RegistryClient registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.users = Objects.requireNonNull(users, "users");
  }

  public void mount(Router router) {
    router.get("/userinfo").handler(this::userinfo);
    router.post("/userinfo").handler(FormBodies.reader(32 * 1024)).handler(this::userinfo);
  }

  private void userinfo(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null && ctx.request().method().name().equals("POST")) {
      // RFC 6750 §2.2: form-encoded body parameter
      MultiMap form;
      try {
        form = Parameters.form(ctx);
      } catch (InvalidInputException e) {
        throw OAuthError.invalidRequest(e.getMessage());
      }
      if (form.getAll("access_token").size() > 1) {
        throw OAuthError.invalidRequest("parameter access_token is repeated");
      }
      token = form.get("access_token");
    } else if (token != null && !Input.isClean(token, Parameters.MAX_TOKEN)) {
      // RFC 6750 §3.1: a malformed request
      throw OAuthError.invalidRequest("the bearer token is malformed");
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
    // the token's grant decides, as at introspection
    grants.grantOfAccessToken(c.getJWTID())
        .compose(grant -> grant.isEmpty()
            ? Future.failedFuture(OAuthError.invalidToken("the access token was not issued for a person"))
            : grant.get().revoked() ? Future.failedFuture(OAuthError.invalidToken("the grant was revoked"))
            : users.find(grant.get().userId()).compose(found -> releasesVopersonId(c).map(release -> new Answer(
                found.map(Users.User::attributes).orElse(new JsonObject()), release ? grant.get().userId() : null))))
        .onSuccess(answer -> {
          JsonObject attributes = answer.attributes();
          JsonObject out = new JsonObject().put("sub", c.getSubject());
          if (answer.vopersonId() != null) {
            out.put("voperson_id", answer.vopersonId());
          }
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

  /** The current policy of the token's client's facility; false without a facility. */
  private Future<Boolean> releasesVopersonId(JWTClaimsSet claims) {
    Object clientId = claims.getClaim("client_id");
    if (!(clientId instanceof String id)) {
      return Future.succeededFuture(false);
    }
    return registry.client(id).compose(client -> {
      String facility = client.map(RegisteredClient::facility).orElse(null);
      return facility == null ? Future.succeededFuture(false) : registry.facility(facility)
          .map(f -> TokenCustomizer.releasesVopersonId(f.orElse(null)));
    });
  }
}
