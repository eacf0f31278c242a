package eu.panosc.aai.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import eu.panosc.aai.attributes.MissingAttributesException;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.oauth.ExternalSubjectTokens;
import eu.panosc.aai.oidc.TokenRejectedException.Reason;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.user.Users;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream OPs' access tokens as RFC 8693 subject tokens. A JWT: its {@code iss} must be a configured upstream with
 * {@code tokenExchange} on; it is verified against that OP's JWKS (same algorithm allow-list and key handling as ID
 * tokens) and {@link UpstreamJwts#checkAccessToken}. An opaque token: RFC 7662 introspection at each upstream with
 * {@code introspection} on, in configuration order, until one answers {@code active: true}; that answer must pass the
 * same checks ({@code iss} if given, {@code aud} or {@code client_id} an accepted audience, {@code exp} present and not
 * past) and is cached for at most {@link #MAX_CACHE} and never beyond its {@code exp}, keyed by a SHA-256 hash of the
 * token (the token itself is neither kept nor logged). Either way the claims go through the upstream's attribute mapper
 * (so the community id, {@code voperson_id} or {@code sub} as configured, is the key, never e-mail), and that user must
 * exist at the broker (signed in through the broker at least once, or linked).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8693#section-2.1">RFC 8693 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662#section-2">RFC 7662 §2</a>
 */
public final class UpstreamAccessTokens implements ExternalSubjectTokens {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamAccessTokens.class);
  /** The longest an introspection answer is used. */
  public static final Duration MAX_CACHE = Duration.ofSeconds(60);
  /** Introspection answers kept at most (beyond: expired ones dropped, else the new one not kept). */
  static final int MAX_CACHED = 10_000;
  /** RFC 6750 §2.1 b64token: what an opaque token may be made of before it is sent to an OP. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private final OidcLogin login;
  private final Users users;
  private final Clock clock;
  private final Map<String, Introspected> cache = new ConcurrentHashMap<>();

  /** An active introspection answer of upstream {@code upstreamId}, used until {@code until}. */
  private record Introspected(String upstreamId, JWTClaimsSet claims, Instant until) {}

  public UpstreamAccessTokens(OidcLogin login, Users users, Clock clock) {
    this.login = Objects.requireNonNull(login, "login");
    this.users = Objects.requireNonNull(users, "users");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private Optional<OidcUpstream> jwtUpstream(String token) {
    return UpstreamJwts.peekIssuer(token).flatMap(login::byIssuer)
        .filter(u -> u.provider().settings().tokenExchange());
  }

  private List<OidcUpstream> introspecting() {
    return login.upstreams().stream().filter(u -> u.provider().settings().tokenExchange()
        && u.provider().settings().introspection()).toList();
  }

  /** Whether {@code token} is no JWT, short enough and of b64token characters only. */
  static boolean opaque(String token) {
    if (token == null || token.isEmpty() || token.length() > UpstreamJwts.MAX_TOKEN
        || !B64TOKEN.matcher(token).matches()) {
      return false;
    }
    try {
      JWTParser.parse(token);
      return false;
    } catch (java.text.ParseException | RuntimeException e) {
      return true;
    }
  }

  @Override
  public boolean accepts(String token) {
    return jwtUpstream(token).isPresent() || opaque(token) && !introspecting().isEmpty();
  }

  @Override
  public Future<String> userOf(String token) {
    Optional<OidcUpstream> found = jwtUpstream(token);
    if (found.isPresent()) {
      OidcUpstream upstream = found.get();
      return refusals(UpstreamJwts.verify(token, upstream.provider()).compose(claims -> {
        UpstreamJwts.checkAccessToken(claims, upstream.provider().settings(), clock.instant());
        return userOf(upstream, claims);
      }), upstream.id(), "the upstream's keys cannot be fetched now");
    }
    if (opaque(token) && !introspecting().isEmpty()) {
      return refusals(introspected(token), "(introspection)", "the upstream cannot check the token now");
    }
    return Future.failedFuture(OAuthError.invalidRequest("subject_token is invalid, expired or revoked"));
  }

  /** TokenRejected: invalid_request (RFC 8693 §2.2.2); an OAuthError as is; anything else: the OP is unavailable. */
  private static Future<String> refusals(Future<String> user, String upstreamId, String unavailable) {
    return user.recover(e -> {
      if (e instanceof TokenRejectedException t) {
        LOG.info("external subject token of upstream {} refused ({}): {}", upstreamId, t.reason(), t.getMessage());
        return Future.failedFuture(OAuthError.invalidRequest("subject_token is not accepted ("
            + t.reason().name().toLowerCase(Locale.ROOT) + ")"));
      }
      if (e instanceof OAuthError) {
        return Future.failedFuture(e);
      }
      LOG.error("external subject token of upstream {} could not be checked: {}", upstreamId, e.getMessage());
      return Future.failedFuture(OAuthError.temporarilyUnavailable(unavailable, 5));
    });
  }

  /** The opaque token's introspected user: from the cache, else asking the introspecting upstreams in order. */
  private Future<String> introspected(String token) {
    String key = hash(token);
    Instant now = clock.instant();
    Introspected hit = cache.get(key);
    if (hit != null && now.isBefore(hit.until())) {
      Optional<OidcUpstream> upstream = login.byId(hit.upstreamId());
      if (upstream.isPresent()) {
        return userOf(upstream.get(), hit.claims());
      }
    }
    if (hit != null) {
      cache.remove(key, hit);
    }
    return ask(token, key, introspecting(), 0, false);
  }

  private Future<String> ask(String token, String key, List<OidcUpstream> candidates, int i, boolean someDown) {
    if (i >= candidates.size()) {
      return Future.failedFuture(someDown ? new IllegalStateException("no upstream that could be asked knows the token")
          : new TokenRejectedException(Reason.INACTIVE, "no introspecting upstream knows it as an active token"));
    }
    OidcUpstream upstream = candidates.get(i);
    return login.introspect(upstream, token).transform(answer -> {
      if (answer.failed()) {
        LOG.warn("introspection at upstream {} failed: {}", upstream.id(), answer.cause().getMessage());
        return ask(token, key, candidates, i + 1, true);
      }
      if (!Boolean.TRUE.equals(answer.result().getValue("active"))) {
        return ask(token, key, candidates, i + 1, someDown);
      }
      Instant now = clock.instant();
      JWTClaimsSet claims;
      try {
        claims = introspectedClaims(answer.result(), upstream.provider().settings(), now);
      } catch (TokenRejectedException e) {
        return Future.failedFuture(new TokenRejectedException(e.reason(), "active at " + upstream.id() + ", but "
            + e.getMessage()));
      }
      remember(key, new Introspected(upstream.id(), claims, min(claims.getExpirationTime().toInstant(),
          now.plus(MAX_CACHE))));
      return userOf(upstream, claims);
    });
  }

  private void remember(String key, Introspected answer) {
    if (cache.size() >= MAX_CACHED) {
      Instant now = clock.instant();
      cache.values().removeIf(c -> !now.isBefore(c.until()));
    }
    if (cache.size() < MAX_CACHED) {
      cache.put(key, answer);
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** How many introspection answers are cached now (for tests). */
  int cached() {
    return cache.size();
  }

  /**
   * An RFC 7662 answer of {@code s}'s OP as claims, checked as a JWT access token is ({@link
   * UpstreamJwts#checkAccessToken}): {@code active} must be {@code true}; a missing {@code iss} is the OP asked; its
   * {@code client_id} counts as {@code azp}; {@code iat} may be missing; a {@code token_type} other than Bearer (a refresh token, a DPoP-bound
   * token) is refused.
   *
   * @throws TokenRejectedException naming the failed check
   */
  static JWTClaimsSet introspectedClaims(JsonObject answer, OidcUpstreamSettings s, Instant now) {
    if (!Boolean.TRUE.equals(answer.getValue("active"))) {
      throw new TokenRejectedException(Reason.INACTIVE, "the OP says the token is not active");
    }
    Object type = answer.getValue("token_type");
    if (type != null && !(type instanceof String t && ("Bearer".equalsIgnoreCase(t) || "access_token".equals(t)
        || "urn:ietf:params:oauth:token-type:access_token".equals(t)))) {
      throw new TokenRejectedException(Reason.TOKEN_TYPE, "token_type is not Bearer");
    }
    JsonObject m = answer.copy();
    m.remove("active");
    m.remove("token_type");
    if (!m.containsKey("iss")) {
      m.put("iss", s.issuerId());
    }
    if (!m.containsKey("azp") && m.getValue("client_id") instanceof String clientId) {
      m.put("azp", clientId);
    }
    JWTClaimsSet c;
    try {
      c = JWTClaimsSet.parse(m.encode());
    } catch (java.text.ParseException | RuntimeException e) {
      throw new TokenRejectedException(Reason.MALFORMED, "the introspection answer's claims are not well-formed");
    }
    // RFC 7662 §2.2: iat is OPTIONAL in an answer (the OP has just said the token is active); if given, it is checked
    UpstreamJwts.checkAccessToken(c.getIssueTime() != null ? c : new JWTClaimsSet.Builder(c).issueTime(Date.from(now))
        .build(), s, now);
    return c;
  }

  /** The cache key: SHA-256 of the token, base64url. */
  static String hash(String token) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The broker user behind verified {@code claims} of {@code upstream}. */
  private Future<String> userOf(OidcUpstream upstream, JWTClaimsSet claims) {
    OidcUpstreamSettings s = upstream.provider().settings();
    Map<String, Object> plain = new LinkedHashMap<>(claims.getClaims());
    plain.replaceAll((k, v) -> v instanceof Date d ? d.getTime() / 1000 : v);
    String userId;
    try {
      userId = upstream.mapper().identity(UpstreamAttributes.oidc(upstream.id(), s.issuerId(), plain, List.of(),
          null, null)).identity().userId();
    } catch (NoUsableUserIdException | MissingAttributesException e) {
      LOG.info("external token of upstream {} carries no usable user identifier: {}", upstream.id(), e.getMessage());
      return Future.failedFuture(OAuthError.invalidGrant("the " + s.displayName() + " token carries no identifier "
          + "this broker can resolve (" + (e instanceof NoUsableUserIdException n ? "tried " + n.tried()
          : "missing " + ((MissingAttributesException) e).missing()) + ")"));
    }
    return users.find(userId).compose(user -> user.isPresent() ? Future.succeededFuture(user.get().id())
        : Future.failedFuture(OAuthError.invalidGrant("no user of this broker has this " + s.displayName()
            + " identity: sign in through the broker with " + s.displayName() + " once (or link it to your "
            + "account) before exchanging its tokens")));
  }
}
