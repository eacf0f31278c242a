package eu.panosc.aai.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.RateLimiter;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.platform.http.FormBodies;
import eu.panosc.platform.input.InvalidInputException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token ({@code POST /token}), introspection ({@code POST /introspect}, RFC 7662) and revocation
 * ({@code POST /revoke}, RFC 7009) endpoints. The token endpoint authenticates the client once,
 * applies its rate limit, and dispatches on {@code grant_type} to a grant; errors are RFC 6749 §5.2.
 */
public final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  public static final String METER_TOKENS = "panosc_aai_tokens_issued_total";
  public static final String METER_ERRORS = "panosc_aai_token_errors_total";
  static final Set<String> SINGLE_VALUED = Set.of("grant_type", "scope", "client_id", "client_secret", "token",
      "token_type_hint", "code", "redirect_uri", "refresh_token", "code_verifier", "device_code");

  private final ClientAuthenticator clients;
  private final GrantStore grants;
  private final PairwiseSubjects subjects;
  private final AccessTokens tokens;
  private final RevokedTokens revoked;
  private final RateLimiter limiter;
  private final Map<String, Grant> grantTypes;
  private final MeterRegistry meters;
  /** Counters looked up once, not per request (the token endpoint is the hot path). */
  private final Map<String, Counter> issuedCounters;
  private final Map<String, Counter> errorCounters = new java.util.concurrent.ConcurrentHashMap<>();

  public TokenEndpoint(ClientAuthenticator clients, AccessTokens tokens, List<Grant> grants,
      RevokedTokens revoked, RateLimiter limiter, MeterRegistry meters, GrantStore grantStore,
      PairwiseSubjects subjects) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.grants = Objects.requireNonNull(grantStore, "grantStore");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.meters = Objects.requireNonNull(meters, "meters");
    Map<String, Grant> byType = new java.util.LinkedHashMap<>();
    grants.forEach(g -> byType.put(g.type(), g));
    this.grantTypes = Map.copyOf(byType);
    Map<String, Counter> issued = new java.util.HashMap<>();
    byType.keySet().forEach(type -> issued.put(type, meters.counter(METER_TOKENS, "grant_type", type)));
    this.issuedCounters = Map.copyOf(issued);
  }

  public Set<String> grantTypes() {
    return grantTypes.keySet();
  }

  public void mount(Router router) {
    io.vertx.core.Handler<RoutingContext> form = FormBodies.reader(64 * 1024);
    router.post("/token").handler(form).handler(this::token);
    router.post("/introspect").handler(form).handler(this::introspect);
    router.post("/revoke").handler(form).handler(this::revoke);
  }

  /**
   * The request's parameters, after checking the form encoding, every parameter ({@link Parameters}) and that no
   * parameter is repeated (RFC 6749 §3.2).
   */
  public static MultiMap requireForm(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw OAuthError.invalidRequest("send the parameters as application/x-www-form-urlencoded");
    }
    MultiMap form;
    try {
      form = Parameters.form(ctx);
    } catch (InvalidInputException e) {
      // RFC 6749 §5.2: a malformed request
      throw OAuthError.invalidRequest(e.getMessage());
    }
    // one pass over the parameters (a form has a handful), not one lookup per single-valued name; the form's names
    // are case-insensitive (as getAll was)
    Set<String> seen = null;
    for (Map.Entry<String, String> p : form) {
      String name = p.getKey().toLowerCase(java.util.Locale.ROOT);
      if (SINGLE_VALUED.contains(name)) {
        if (seen == null) {
          seen = new java.util.HashSet<>(8);
        }
        if (!seen.add(name)) {
          throw OAuthError.invalidRequest("parameter " + name + " is repeated");
        }
      }
    }
    return form;
  }

  private void token(RoutingContext ctx) {
    MultiMap form = requireForm(ctx);
    String grantType = form.get("grant_type");
    if (grantType == null) {
      throw OAuthError.invalidRequest("grant_type is required");
    }
    Grant requested = grantTypes.get(grantType);
    clients.authenticate(ctx, requested != null && requested.allowsPublicClients())
        .compose(client -> {
          if (!limiter.tryAcquire(client.clientId(), System.nanoTime())) {
            return Future.failedFuture(OAuthError.slowDown(limiter.retryAfterSeconds()));
          }
          var grant = grantTypes.get(grantType);
          if (grant == null) {
            return Future.failedFuture(OAuthError.unsupportedGrantType("grant_type " + grantType
                + " is not supported here; supported: " + String.join(", ", grantTypes.keySet())));
          }
          if (!client.grantTypes().contains(grantType)) {
            return Future.failedFuture(OAuthError.unauthorizedClient("this client is not registered for " + grantType));
          }
          return grant.handle(client, form);
        })
        .onSuccess(response -> {
          issuedCounters.get(grantType).increment();
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache")
              .end(response.toJson(tokens.lifetime().toSeconds()).encode());
        })
        .onFailure(e -> {
          String code = e instanceof OAuthError o ? o.error() : "server_error";
          Counter c = errorCounters.computeIfAbsent(code, k -> meters.counter(METER_ERRORS, "error", k));
          c.increment();
          ctx.fail(e);
        });
  }

  /**
   * RFC 7662: an access token of this provider is active until it expires or is revoked (itself or its grant); a
   * refresh token is described (token_type {@code refresh_token}) to the client it was issued to while it is current
   * and its grant is not revoked. Everything else is {@code {"active": false}}.
   */
  private void introspect(RoutingContext ctx) {
    String token = requireForm(ctx).get("token");
    if (token == null) {
      throw OAuthError.invalidRequest("token is required");
    }
    clients.authenticate(ctx, false)
        .compose(caller -> describe(caller, token))
        .onSuccess(answer -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(answer.encode()))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> describe(AuthenticatedClient caller, String token) {
    var claims = tokens.verifyOwn(token).filter(c -> !revoked.isRevoked(c.getJWTID()));
    if (claims.isPresent()) {
      // the grant's state decides, as at userinfo (a revoked grant's tokens are inactive on every replica at once)
      return grants.grantOfAccessToken(claims.get().getJWTID()).map(grant -> grant.isPresent() && grant.get().revoked()
          ? inactive() : active(claims.get()));
    }
    if (!Opaque.isRandom(token)) {
      return Future.succeededFuture(inactive());
    }
    return grants.describeRefreshToken(token).map(state -> state
        .filter(s -> s.family().clientId().equals(caller.clientId()))
        .map(s -> new JsonObject().put("active", true).put("token_type", "refresh_token")
            .put("client_id", s.family().clientId())
            .put("sub", subjects.subject(PairwiseSubjects.sectorOf(caller.registered()), s.family().userId()))
            .put("scope", String.join(" ", s.scopes())).put("iss", tokens.issuer())
            .put("iat", s.issuedAt().getEpochSecond()).put("exp", s.expiresAt().getEpochSecond()))
        .orElse(inactive()));
  }

  private static JsonObject inactive() {
    return new JsonObject().put("active", false);
  }

  private static JsonObject active(JWTClaimsSet c) {
    try {
      return new JsonObject().put("active", true).put("scope", c.getStringClaim("scope"))
          .put("client_id", c.getStringClaim("client_id")).put("sub", c.getSubject())
          .put("aud", new JsonArray(c.getAudience())).put("iss", c.getIssuer())
          .put("exp", c.getExpirationTime().toInstant().getEpochSecond())
          .put("iat", c.getIssueTime().toInstant().getEpochSecond()).put("jti", c.getJWTID())
          .put("token_type", "Bearer");
    } catch (java.text.ParseException e) {
      return new JsonObject().put("active", false);
    }
  }

  /**
   * RFC 7009: an access token or a refresh token (whatever {@code token_type_hint} says: §2.1 lets the server search
   * every type) is revoked; a refresh token revokes its whole grant, its other refresh tokens and its access tokens
   * (§2.1 SHOULD). A revocation that could not be stored answers 503 {@code temporarily_unavailable} with
   * Retry-After (§2.2.1), never 200. Only the client the token was issued to may revoke it (§2.1: others are refused,
   * {@code unauthorized_client}); an unknown, invalid or expired token answers 200 (§2.2). Public clients revoke
   * with their {@code client_id} alone (§5).
   */
  private void revoke(RoutingContext ctx) {
    String token = requireForm(ctx).get("token");
    if (token == null) {
      throw OAuthError.invalidRequest("token is required");
    }
    clients.authenticate(ctx, true)
        .compose(caller -> {
          var claims = tokens.verifyOwn(token);
          if (claims.isPresent()) {
            JWTClaimsSet c = claims.get();
            String owner = (String) c.getClaim("client_id");
            if (!caller.clientId().equals(owner)) {
              return Future.failedFuture(OAuthError.unauthorizedClient("the token was issued to another client"));
            }
            return revoked.revoke(c.getJWTID(), owner, c.getExpirationTime().toInstant());
          }
          if (!Opaque.isRandom(token)) {
            return Future.succeededFuture();
          }
          return grants.familyOfRefreshToken(token).compose(family -> {
            if (family.isEmpty()) {
              return Future.succeededFuture();
            }
            if (!caller.clientId().equals(family.get().clientId())) {
              return Future.failedFuture(OAuthError.unauthorizedClient("the token was issued to another client"));
            }
            return grants.revokeFamily(family.get().id());
          });
        })
        .onSuccess(v -> ctx.response().setStatusCode(200).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end())
        // a revocation that could not be stored did not happen: never a false 200, but an answer to retry (§2.2.1)
        .onFailure(e -> {
          if (e instanceof OAuthError) {
            ctx.fail(e);
            return;
          }
          LOG.warn("a revocation could not be stored: {}", e.toString());
          ctx.fail(OAuthError.temporarilyUnavailable("the revocation could not be stored; retry later", 5));
        });
  }
}
