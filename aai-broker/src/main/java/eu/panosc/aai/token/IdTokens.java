package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * ID tokens (OIDC Core §2): {@code iss}, pairwise {@code sub}, {@code aud} = the client id, {@code exp},
 * {@code iat}, {@code auth_time}, {@code nonce} (when the request had one), {@code acr}, {@code amr},
 * {@code at_hash}; ES256 with the provider's keys, {@code typ: JWT}.
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

  public String issue(String subject, String clientId, Instant authTime, String nonce, String acr, List<String> amr,
      String accessToken) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(clientId)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
        .claim("auth_time", authTime.getEpochSecond()).claim("acr", acr).claim("amr", amr)
        .claim("azp", clientId).jwtID(UUID.randomUUID().toString());
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    if (accessToken != null) {
      byte[] hash = Opaque.sha256(accessToken.getBytes(StandardCharsets.US_ASCII));
      claims.claim("at_hash", Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16)));
    }
    return signer.sign(JOSEObjectType.JWT, claims.build());
  }
}
