package eu.panosc.aai.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.oidc.TokenRejectedException.Reason;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of JWTs an upstream OP issued: the signature ({@link #verify}: a JWS in an allowed asymmetric algorithm,
 * by a key of the OP's JWKS whose type fits the algorithm; {@code none} and HMAC are refused before any key is looked
 * at) and the claims of an ID token ({@link #checkIdToken}, OIDC Core §3.1.3.7), a back-channel logout token
 * ({@link #checkLogoutToken}, OIDC Back-Channel Logout §2.6) and an access token offered for exchange
 * ({@link #checkAccessToken}). Each refusal is a {@link TokenRejectedException} naming the check.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OIDC Core §3.1.3.7</a>
 */
public final class UpstreamJwts {
  /** The {@code events} member of a logout token. */
  public static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
  /** Tokens longer than this are not parsed. */
  public static final int MAX_TOKEN = 16 * 1024;
  private static final Set<String> RSA = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

  private UpstreamJwts() {}

  /** The unverified {@code iss} of {@code token} (to pick the OP whose keys verify it); empty when unreadable. */
  public static Optional<String> peekIssuer(String token) {
    if (token == null || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The signed claims of {@code token}, verified with {@code provider}'s keys; a failed future otherwise. */
  public static Future<JWTClaimsSet> verify(String token, OidcProvider provider) {
    SignedJWT jws;
    try {
      jws = signed(token, provider.settings().algorithms());
    } catch (TokenRejectedException e) {
      return Future.failedFuture(e);
    }
    return provider.key(jws.getHeader().getKeyID()).compose(key -> {
      if (key.isEmpty()) {
        return Future.failedFuture(new TokenRejectedException(Reason.UNKNOWN_KEY, "no key " + printableKid(jws)
            + " in the OP's JWKS"));
      }
      try {
        return Future.succeededFuture(verified(jws, key.get()));
      } catch (TokenRejectedException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** {@code token} as a JWS in one of {@code allowed}; anything else (unsigned, encrypted, HMAC) refused. */
  static SignedJWT signed(String token, Set<JWSAlgorithm> allowed) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
      throw new TokenRejectedException(Reason.MALFORMED, "no token, or one over " + MAX_TOKEN + " characters");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(Reason.MALFORMED, "not a JWT");
    }
    if (!(jwt instanceof SignedJWT jws)) {
      // alg none (a PlainJWT) or an encrypted JWT: not signed by the OP
      throw new TokenRejectedException(Reason.ALGORITHM, "not signed (alg " + jwt.getHeader().getAlgorithm() + ")");
    }
    JWSAlgorithm alg = jws.getHeader().getAlgorithm();
    if (!allowed.contains(alg)) {
      // no HMAC: its key would be public material; only the configured asymmetric algorithms
      throw new TokenRejectedException(Reason.ALGORITHM, "algorithm " + alg + " is not accepted from this OP");
    }
    return jws;
  }

  /** The claims of {@code jws} if {@code key} (of a type fitting the header's algorithm) verifies it. */
  static JWTClaimsSet verified(SignedJWT jws, JWK key) {
    JWSHeader header = jws.getHeader();
    String alg = header.getAlgorithm().getName();
    JWSVerifier verifier;
    try {
      if (RSA.contains(alg) && key instanceof RSAKey rsa) {
        verifier = new RSASSAVerifier(rsa);
      } else if (key instanceof ECKey ec && alg.startsWith("ES")
          && Curve.forJWSAlgorithm(header.getAlgorithm()).contains(ec.getCurve())) {
        verifier = new ECDSAVerifier(ec);
      } else {
        throw new TokenRejectedException(Reason.ALGORITHM, "key " + printableKid(jws) + " does not fit algorithm "
            + alg);
      }
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg)) {
        throw new TokenRejectedException(Reason.ALGORITHM, "key " + printableKid(jws) + " is for " + key
            .getAlgorithm() + ", not " + alg);
      }
      if (!jws.verify(verifier)) {
        throw new TokenRejectedException(Reason.SIGNATURE, "signature does not verify");
      }
      return jws.getJWTClaimsSet();
    } catch (JOSEException | ParseException e) {
      throw new TokenRejectedException(Reason.SIGNATURE, "signature not checkable: " + e.getMessage());
    }
  }

  /**
   * OIDC Core §3.1.3.7 on verified claims: {@code iss} the configured issuer exactly; {@code aud} contains our client
   * id, and with several audiences {@code azp} is present; an {@code azp} is our client id; {@code nonce} is the flow's;
   * {@code exp} not passed and {@code iat} not in the future (both with {@code skew}); {@code iat} not older than
   * {@code maxAge}; a {@code sub}.
   */
  public static void checkIdToken(JWTClaimsSet c, OidcUpstreamSettings s, String nonce, Instant now) {
    issuer(c, s);
    List<String> aud = c.getAudience();
    if (aud == null || !aud.contains(s.clientId())) {
      throw new TokenRejectedException(Reason.AUDIENCE, "aud does not contain our client id");
    }
    String azp = string(c, "azp");
    if (aud.size() > 1 && azp == null) {
      throw new TokenRejectedException(Reason.AUTHORIZED_PARTY, "several audiences and no azp");
    }
    if (azp != null && !azp.equals(s.clientId())) {
      throw new TokenRejectedException(Reason.AUTHORIZED_PARTY, "azp is another client");
    }
    String tokenNonce = string(c, "nonce");
    if (nonce == null || tokenNonce == null || !java.security.MessageDigest.isEqual(nonce.getBytes(
        java.nio.charset.StandardCharsets.UTF_8), tokenNonce.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      throw new TokenRejectedException(Reason.NONCE, "nonce is not this sign-in's");
    }
    times(c, s.skew(), s.maxAge(), now, true);
    subject(c);
  }

  /**
   * OIDC Back-Channel Logout §2.6 on verified claims: {@code iss}, {@code aud} contains our client id, {@code iat}
   * present and recent (not older than {@code maxAge}, not in the future), {@code exp} not passed when present,
   * {@code events} holding the back-channel logout member (an object), no {@code nonce}, and {@code sid} or {@code sub}.
   */
  public static void checkLogoutToken(JWTClaimsSet c, OidcUpstreamSettings s, Instant now) {
    issuer(c, s);
    List<String> aud = c.getAudience();
    if (aud == null || !aud.contains(s.clientId())) {
      throw new TokenRejectedException(Reason.AUDIENCE, "aud does not contain our client id");
    }
    times(c, s.skew(), s.maxAge(), now, false);
    Object events = c.getClaim("events");
    if (!(events instanceof Map<?, ?> m) || !(m.get(BACKCHANNEL_LOGOUT_EVENT) instanceof Map<?, ?>)) {
      throw new TokenRejectedException(Reason.EVENTS, "events lacks the back-channel logout event");
    }
    if (c.getClaim("nonce") != null) {
      // §2.4: a nonce is prohibited, so an ID token cannot pass as a logout token
      throw new TokenRejectedException(Reason.NONCE_PRESENT, "a logout token has no nonce");
    }
    if (string(c, "sid") == null && c.getSubject() == null) {
      throw new TokenRejectedException(Reason.SESSION, "neither sid nor sub");
    }
  }

  /**
   * An upstream access token offered for exchange (a JWT): {@code iss}; {@code exp} present and not passed, {@code iat}
   * not in the future; its {@code aud} contains one of {@code exchangeAudiences} or its {@code azp} is one; not an ID or
   * logout token ({@code nonce}, {@code events}, Keycloak's {@code typ} other than {@code Bearer}); a {@code sub}.
   */
  public static void checkAccessToken(JWTClaimsSet c, OidcUpstreamSettings s, Instant now) {
    issuer(c, s);
    if (c.getExpirationTime() == null) {
      throw new TokenRejectedException(Reason.EXPIRED, "no exp");
    }
    times(c, s.skew(), null, now, false);
    if (c.getClaim("nonce") != null || c.getClaim("events") != null
        || c.getClaim("typ") instanceof String typ && !"Bearer".equalsIgnoreCase(typ)) {
      throw new TokenRejectedException(Reason.TOKEN_TYPE, "not an access token");
    }
    List<String> aud = c.getAudience() == null ? List.of() : c.getAudience();
    String azp = string(c, "azp");
    if (aud.stream().noneMatch(s.exchangeAudiences()::contains) && (azp == null
        || !s.exchangeAudiences().contains(azp))) {
      throw new TokenRejectedException(Reason.AUDIENCE, "neither aud nor azp is an accepted audience");
    }
    subject(c);
  }

  private static void issuer(JWTClaimsSet c, OidcUpstreamSettings s) {
    if (!s.issuerId().equals(c.getIssuer())) {
      throw new TokenRejectedException(Reason.ISSUER, "iss is not the configured issuer");
    }
  }

  private static void subject(JWTClaimsSet c) {
    String sub = c.getSubject();
    if (sub == null || sub.isEmpty() || !eu.panosc.platform.input.Input.isClean(sub, 255)) {
      throw new TokenRejectedException(Reason.SUBJECT, "no usable sub");
    }
  }

  private static void times(JWTClaimsSet c, Duration skew, Duration maxAge, Instant now, boolean expRequired) {
    Date exp = c.getExpirationTime();
    if (exp == null && expRequired) {
      throw new TokenRejectedException(Reason.EXPIRED, "no exp");
    }
    if (exp != null && !now.isBefore(exp.toInstant().plus(skew))) {
      throw new TokenRejectedException(Reason.EXPIRED, "expired at " + exp.toInstant());
    }
    Date iat = c.getIssueTime();
    if (iat == null) {
      throw new TokenRejectedException(Reason.NOT_YET_VALID, "no iat");
    }
    if (iat.toInstant().isAfter(now.plus(skew))) {
      throw new TokenRejectedException(Reason.NOT_YET_VALID, "issued in the future (" + iat.toInstant() + ")");
    }
    if (maxAge != null && iat.toInstant().isBefore(now.minus(maxAge).minus(skew))) {
      throw new TokenRejectedException(Reason.TOO_OLD, "issued at " + iat.toInstant() + ", too long ago");
    }
    Date nbf = c.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
      throw new TokenRejectedException(Reason.NOT_YET_VALID, "not valid before " + nbf.toInstant());
    }
  }

  private static String string(JWTClaimsSet c, String name) {
    Object v = c.getClaim(name);
    return v instanceof String s ? s : null;
  }

  private static String printableKid(SignedJWT jws) {
    String kid = jws.getHeader().getKeyID();
    return kid == null ? "(no kid)" : ProviderMetadata.printable(kid);
  }

  /** Whether two values are equal, in constant time. */
  static boolean same(String a, String b) {
    return a != null && b != null && java.security.MessageDigest.isEqual(a.getBytes(
        java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
