package eu.panosc.aai.oauth;

import eu.panosc.aai.registry.ClientCredentials;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.platform.auth.InvalidTokenException;
import eu.panosc.platform.auth.SignatureCheck;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2, §3; OIDC Core §9): a JWT signed with a key
 * from the client's registered JWKS; {@code iss} = {@code sub} = client id; {@code aud} the issuer or the
 * endpoint; {@code exp} in the near future; {@code jti} usable once. {@code alg: none}, HMAC (which would
 * let a public key act as a shared secret) and unknown algorithms are refused before any key is used.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7523">RFC 7523</a>
 */
public final class ClientAssertions {
  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
  private static final String FAILED = "client authentication failed";

  private final Pool pool;
  private final Clock clock;
  private final Set<String> audiences;

  /** @param audiences acceptable {@code aud} values: the issuer and its endpoint URLs */
  public ClientAssertions(Pool pool, Clock clock, Set<String> audiences) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audiences = Set.copyOf(audiences);
  }

  /** The client id the assertion claims, without checking anything else; null when unreadable. */
  static String claimedClient(String assertion) {
    try {
      return SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  /** Checks the assertion for a client registered with {@code credentials}; fails with invalid_client. */
  public Future<Void> verify(String assertion, String clientId, ClientCredentials credentials) {
    if (!"private_key_jwt".equals(credentials.authMethod()) || credentials.jwks() == null) {
      return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
    }
    JWTClaimsSet claims;
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      if (!SignatureCheck.ALLOWED.contains(jwt.getHeader().getAlgorithm())) {
        // RFC 8725 §3.1: none, HS* and unknown algorithms are never accepted
        return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
      }
      JWKSet keys = credentials.jwks();
      String kid = jwt.getHeader().getKeyID();
      JWK key = kid != null ? keys.getKeyByKeyId(kid) : keys.getKeys().size() == 1 ? keys.getKeys().get(0) : null;
      if (key == null || !SignatureCheck.verify(jwt, key)) {
        return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
      }
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | InvalidTokenException | IllegalStateException e) {
      return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
    }
    Instant now = clock.instant();
    List<String> aud = claims.getAudience();
    boolean ok = clientId.equals(claims.getIssuer()) && clientId.equals(claims.getSubject())
        && aud != null && aud.stream().anyMatch(audiences::contains)
        && claims.getExpirationTime() != null
        && claims.getExpirationTime().toInstant().isAfter(now.minus(SKEW))
        && claims.getExpirationTime().toInstant().isBefore(now.plus(MAX_LIFETIME).plus(SKEW))
        && (claims.getNotBeforeTime() == null || !claims.getNotBeforeTime().toInstant().isAfter(now.plus(SKEW)))
        && claims.getJWTID() != null && !claims.getJWTID().isBlank()
        && eu.panosc.platform.input.Input.isClean(claims.getJWTID(), 256);
    if (!ok) {
      return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
    }
    // RFC 7523 §3 item 7: the jti may be used once
    return pool.preparedQuery("INSERT INTO client_assertion (client_id, jti, expires_at) VALUES ($1, $2, $3)")
        .execute(Tuple.of(clientId, claims.getJWTID(),
            claims.getExpirationTime().toInstant().plus(SKEW).atOffset(ZoneOffset.UTC)))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? OAuthError.invalidClient(FAILED, false) : e))
        .mapEmpty();
  }

  /** Drops remembered jtis of expired assertions. */
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM client_assertion WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
