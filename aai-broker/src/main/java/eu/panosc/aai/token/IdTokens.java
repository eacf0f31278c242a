package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.protocol.Opaque;
import eu.panosc.platform.auth.SignatureCheck;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * ID tokens (OIDC Core §2): {@code iss}, pairwise {@code sub}, {@code aud} = the client id, {@code exp},
 * {@code iat}, {@code auth_time}, {@code nonce} (when the request had one), {@code acr}, {@code amr},
 * {@code at_hash}, {@code sid} (the browser session, Back-Channel Logout §2.1); ES256 (or the client's RS256),
 * {@code typ: JWT}. Also checks an {@code id_token_hint} at logout: signed by this provider, whatever its expiry.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDToken">OIDC Core §2</a>
 */
public final class IdTokens {
  private final JwtSigner signer;
  private final String issuer;
  private final Clock clock;
  private final Duration lifetime;

  public IdTokens(JwtSigner signer, String issuer, Clock clock, Duration lifetime) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  /**
   * @param sid the browser session the grant was given in, or null (device flow)
   * @param alg the client's signing algorithm; {@code at_hash} uses its hash (SHA-256 for ES256 and RS256)
   */
  public String issue(String subject, String clientId, Instant authTime, String nonce, String acr, List<String> amr,
      String accessToken, String sid, com.nimbusds.jose.JWSAlgorithm alg) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(clientId)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
        .claim("auth_time", authTime.getEpochSecond()).claim("acr", acr).claim("amr", amr)
        .claim("azp", clientId).jwtID(UUID.randomUUID().toString());
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    if (sid != null) {
      claims.claim("sid", sid);
    }
    if (accessToken != null) {
      byte[] hash = Opaque.sha256(accessToken.getBytes(StandardCharsets.US_ASCII));
      claims.claim("at_hash", Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16)));
    }
    return signer.sign(JOSEObjectType.JWT, claims.build(), alg);
  }

  /**
   * The claims of an ID token this provider issued ({@code id_token_hint}, RP-Initiated Logout 1.0 §2): the
   * signature must verify with one of the published keys and {@code iss} must be this provider; an expired token
   * is accepted, as the specification allows at logout. Empty for anything else (forged, foreign, malformed).
   */
  public Optional<JWTClaimsSet> verifyHint(String token) {
    if (token == null || token.length() > 16 * 1024) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!signer.algorithms().contains(jwt.getHeader().getAlgorithm())
          || !JOSEObjectType.JWT.equals(jwt.getHeader().getType())) {
        return Optional.empty();
      }
      JWK key = signer.publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
      if (key == null || !SignatureCheck.verify(jwt, key)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!issuer.equals(claims.getIssuer()) || claims.getSubject() == null || claims.getAudience() == null
          || claims.getAudience().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(claims);
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
