package eu.panosc.platform.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a compact JWT access token (header rules, signature against the JWKS, then claims) and turns it
 * into an {@link AccessTokenPrincipal}; every rejection is an {@link InvalidTokenException} with its own reason.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4: Validating JWT Access Tokens</a>
 */
public final class TokenVerifier {

  /** Tokens longer than this are rejected before parsing. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;
  /**
   * At most this many verified tokens are remembered; when full, those due are forgotten and, if that is not
   * enough, a tenth of the rest (forgetting all at once would have every user's next request check a signature).
   */
  static final int MAX_REMEMBERED = 10_000;
  /** A verified signature is trusted again for at most this long (and never past the token's expiry). */
  static final java.time.Duration REMEMBER_FOR = java.time.Duration.ofSeconds(60);
  /**
   * Each token is remembered for {@link #REMEMBER_FOR} less a share of up to a quarter of it, fixed by the token's
   * hash: tokens first seen together (a proxy's many users after a restart) then fall due over 15 s, not in one
   * instant in which every request of every user would wait for a signature check.
   */
  static final long SPREAD_MILLIS = REMEMBER_FOR.toMillis() / 4;
  /**
   * While one request checks a remembered token's signature again, the others with the same token go on using the
   * earlier check for at most this long, instead of each checking the same signature at once.
   */
  static final java.time.Duration RECHECK_GRACE = java.time.Duration.ofSeconds(1);

  private final JwksCache keys;
  private final int capacity;
  private final BearerAuthConfig config;
  private final Clock clock;
  /**
   * Tokens whose header and signature were verified, keyed by the exact compact string: a client sends the
   * same token many times, and an ES256 verification costs far more than the rest of a small request.
   * The principal is remembered with it: what the same string says (issuer, audience, subject, scopes) cannot
   * change, so a remembered token's use checks only the time ({@code exp}, {@code nbf}) again.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicLong signatureChecks = new java.util.concurrent.atomic.AtomicLong();

  private record Verified(SignedJWT jwt, AccessTokenPrincipal principal, Instant notBefore, Instant until) {}

  public TokenVerifier(JwksCache keys, BearerAuthConfig config, Clock clock) {
    this(keys, config, clock, MAX_REMEMBERED);
  }

  /** With room for {@code capacity} remembered tokens (tests; the services use {@link #MAX_REMEMBERED}). */
  TokenVerifier(JwksCache keys, BearerAuthConfig config, Clock clock, int capacity) {
    if (capacity < 10) {
      throw new IllegalArgumentException("capacity must be at least 10");
    }
    this.capacity = capacity;
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The principal of a valid token, or a failed future with {@link InvalidTokenException}. */
  public Future<AccessTokenPrincipal> verify(String compactJwt) {
    Verified known = compactJwt == null ? null : verified.get(compactJwt);
    while (known != null) {
      Instant now = clock.instant();
      if (now.isBefore(known.until())) {
        try {
          checkTimes(known.principal().expiresAt(), known.notBefore(), now);
          return Future.succeededFuture(known.principal());
        } catch (InvalidTokenException e) {
          verified.remove(compactJwt);
          return Future.failedFuture(e);
        }
      }
      // due again: this request checks the signature; the others keep the earlier check for RECHECK_GRACE
      if (verified.replace(compactJwt, known, new Verified(known.jwt(), known.principal(), known.notBefore(),
          now.plus(RECHECK_GRACE)))) {
        break;
      }
      known = verified.get(compactJwt);
    }
    final SignedJWT jwt;
    try {
      jwt = parseHeader(compactJwt);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    return keys.key(jwt.getHeader().getKeyID()).compose(key -> {
      try {
        // RFC 9068 §4 step 4: signature with the issuer's key
        signatureChecks.incrementAndGet();
        if (!SignatureCheck.verify(jwt, key)) {
          verified.remove(compactJwt);
          return Future.failedFuture(new InvalidTokenException("invalid signature"));
        }
        Checked checked = checkClaims(jwt);
        remember(compactJwt, jwt, checked);
        return Future.succeededFuture(checked.principal());
      } catch (InvalidTokenException e) {
        verified.remove(compactJwt);
        return Future.failedFuture(e);
      }
    }, e -> {
      verified.remove(compactJwt);
      return Future.failedFuture(e);
    });
  }

  /** How many signatures this verifier has checked (a token seen again within its remembered time costs none). */
  long signatureChecks() {
    return signatureChecks.get();
  }

  private void remember(String compactJwt, SignedJWT jwt, Checked checked) {
    if (verified.size() >= capacity) {
      makeRoom();
    }
    Instant until = clock.instant().plus(REMEMBER_FOR).minusMillis(Math.floorMod(compactJwt.hashCode(), SPREAD_MILLIS));
    Instant expiresAt = checked.principal().expiresAt();
    verified.put(compactJwt, new Verified(jwt, checked.principal(), checked.notBefore(),
        expiresAt.isBefore(until) ? expiresAt : until));
  }

  /** A token's principal and its {@code nbf} (null: none), what a remembered use checks again besides {@code exp}. */
  private record Checked(AccessTokenPrincipal principal, Instant notBefore) {}

  private void makeRoom() {
    Instant now = clock.instant();
    verified.values().removeIf(known -> !now.isBefore(known.until()));
    int drop = verified.size() - capacity + capacity / 10;
    for (var names = verified.keySet().iterator(); drop > 0 && names.hasNext(); drop--) {
      names.next();
      names.remove();
    }
  }

  /** All header checks, done before any key lookup. */
  private SignedJWT parseHeader(String compactJwt) {
    if (compactJwt == null || compactJwt.isEmpty()) {
      throw new InvalidTokenException("missing token");
    }
    if (compactJwt.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token too large");
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(compactJwt);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidTokenException("malformed token");
    }
    if (parsed instanceof PlainJWT) {
      throw new InvalidTokenException("unsigned token");  // RFC 8725 §3.1: never accept alg none
    }
    if (parsed instanceof EncryptedJWT || !(parsed instanceof SignedJWT jwt)) {
      throw new InvalidTokenException("encrypted tokens not accepted");
    }
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!SignatureCheck.ALLOWED.contains(alg)) {
      throw new InvalidTokenException("unsupported algorithm");  // RFC 9068 §4 step 3, RFC 8725 §3.1
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new InvalidTokenException("unsupported critical header");  // RFC 7515 §4.1.11
    }
    if (header.getType() == null || !config.acceptsType(header.getType().getType())) {
      throw new InvalidTokenException("wrong token type");  // RFC 9068 §4 step 1, RFC 8725 §3.11
    }
    if (header.getKeyID() == null || header.getKeyID().isBlank()) {
      throw new InvalidTokenException("missing key id");
    }
    return jwt;
  }

  private Checked checkClaims(SignedJWT jwt) {
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed claims");
    }
    if (!config.issuer().equals(claims.getIssuer())) {
      throw new InvalidTokenException("wrong issuer");  // RFC 9068 §4 step 2
    }
    List<String> audience = claims.getAudience();
    if (audience == null || audience.stream().noneMatch(config.audiences()::contains)) {
      throw new InvalidTokenException("wrong audience");  // RFC 9068 §4 step 3
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException("missing exp");
    }
    Date nbf = claims.getNotBeforeTime();
    checkTimes(exp.toInstant(), nbf == null ? null : nbf.toInstant(), now);
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().isAfter(now.plus(config.clockSkew()))) {
      throw new InvalidTokenException("token issued in the future");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException("missing sub");  // RFC 9068 §2.2: sub is required
    }
    String clientId;
    try {
      clientId = claims.getStringClaim("client_id");
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed client_id");
    }
    return new Checked(new AccessTokenPrincipal(subject, clientId, scopes(claims), exp.toInstant(),
        claims.toJSONObject()), nbf == null ? null : nbf.toInstant());
  }

  /** The checks that change with time alone: {@code exp} (RFC 9068 §4 step 6) and {@code nbf}, with the clock skew. */
  private void checkTimes(Instant expiresAt, Instant notBefore, Instant now) {
    if (!now.isBefore(expiresAt.plus(config.clockSkew()))) {
      throw new InvalidTokenException("token expired");
    }
    if (notBefore != null && now.isBefore(notBefore.minus(config.clockSkew()))) {
      throw new InvalidTokenException("token not yet valid");
    }
  }

  /** RFC 9068 §2.2.3: {@code scope} is a space-separated string; {@code scp} may be an array or a string. */
  private static Set<String> scopes(JWTClaimsSet claims) {
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = claims.getClaim("scope");
    if (scope != null && !(scope instanceof String)) {
      throw new InvalidTokenException("malformed scope claim");
    }
    addScopes(scope, scopes);
    addScopes(claims.getClaim("scp"), scopes);
    return scopes;
  }

  private static void addScopes(Object value, Set<String> into) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      Arrays.stream(s.split(" ")).filter(v -> !v.isEmpty()).forEach(into::add);
    } else if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      list.stream().map(String.class::cast).filter(v -> !v.isEmpty()).forEach(into::add);
    } else {
      throw new InvalidTokenException("malformed scope claim");
    }
  }
}
