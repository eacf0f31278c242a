package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.auth.SignatureCheck;
import eu.panosc.platform.keys.SigningKeys;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues RFC 9068 JWT access tokens ({@code typ: at+jwt}, ES256 or the client's RS256, {@code kid} of the current
 * key) and
 * verifies tokens it issued (for introspection and revocation).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 */
public final class AccessTokens {
  /** Own tokens verified recently, by exact string (a service exchanges the same user token repeatedly). */
  static final int MAX_REMEMBERED = 10_000;
  /** A verification is reused for at most this long, never past the token's expiry. */
  static final java.time.Duration REMEMBER_FOR = java.time.Duration.ofSeconds(60);
  private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Verified(JWTClaimsSet claims, java.time.Instant until) {}

  private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  /** A freshly issued token. */
  public record Issued(String jwt, String jti, Instant expiresAt, Set<String> scopes, List<String> audiences) {}

  private final JwtSigner signer;
  private final String issuer;
  private final Clock clock;
  private final Duration lifetime;

  public AccessTokens(SigningKeys keys, String issuer, Clock clock, Duration lifetime) {
    this(new JwtSigner(keys), issuer, clock, lifetime);
  }

  public AccessTokens(JwtSigner signer, String issuer, Clock clock, Duration lifetime) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  public String issuer() {
    return issuer;
  }

  /** The algorithm the client is registered for ({@code tokenSigningAlg}, default ES256). */
  public JWSAlgorithm algorithmFor(eu.panosc.aai.registry.RegisteredClient client) {
    return signer.algorithmFor(client);
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * @param subject {@code sub}: the client id for client credentials
   * @param audiences {@code aud}: the resource servers the token is for
   */
  public Issued issue(String subject, String clientId, List<String> audiences, Set<String> scopes) {
    return issue(subject, clientId, audiences, scopes, b -> { });
  }

  /** As {@link #issue(String, String, List, Set)}, with further claims added by {@code customizer}. */
  public Issued issue(String subject, String clientId, List<String> audiences, Set<String> scopes,
      java.util.function.Consumer<JWTClaimsSet.Builder> customizer) {
    return issue(subject, clientId, audiences, scopes, customizer, JWSAlgorithm.ES256);
  }

  /** As above, signed with {@code alg} (ES256 or RS256: the client's {@code tokenSigningAlg}). */
  public Issued issue(String subject, String clientId, List<String> audiences, Set<String> scopes,
      java.util.function.Consumer<JWTClaimsSet.Builder> customizer, JWSAlgorithm alg) {
    Instant now = clock.instant();
    Instant exp = now.plus(lifetime);
    String jti = UUID.randomUUID().toString();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
    customizer.accept(claims);
    claims.issuer(issuer).subject(subject).audience(audiences).claim("client_id", clientId)
        .claim("scope", String.join(" ", scopes.stream().sorted().toList()))
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(exp)).jwtID(jti);
    return new Issued(signer.sign(AT_JWT, claims.build(), alg), jti, exp, scopes, audiences);
  }

  /** The claims of a valid, unexpired token this provider issued, or empty. */
  public Optional<JWTClaimsSet> verifyOwn(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Verified known = verified.get(token);
    if (known != null) {
      if (clock.instant().isBefore(known.until())) {
        return Optional.of(known.claims());
      }
      verified.remove(token);
    }
    Optional<JWTClaimsSet> claims = verifyFully(token);
    claims.ifPresent(c -> remember(token, c));
    return claims;
  }

  private void remember(String token, JWTClaimsSet claims) {
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    java.time.Instant exp = claims.getExpirationTime().toInstant();
    java.time.Instant until = clock.instant().plus(REMEMBER_FOR);
    verified.put(token, new Verified(claims, exp.isBefore(until) ? exp : until));
  }

  private Optional<JWTClaimsSet> verifyFully(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!signer.algorithms().contains(jwt.getHeader().getAlgorithm()) || !AT_JWT.equals(jwt.getHeader().getType())) {
        return Optional.empty();
      }
      JWK key = signer.publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
      // the key's type must fit the header's algorithm (RFC 8725 §3.1)
      if (key == null || !SignatureCheck.verify(jwt, key)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!issuer.equals(claims.getIssuer()) || claims.getExpirationTime() == null
          || !claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
        return Optional.empty();
      }
      return Optional.of(claims);
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
