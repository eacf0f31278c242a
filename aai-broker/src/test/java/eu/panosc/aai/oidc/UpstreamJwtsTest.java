package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.oidc.TokenRejectedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every check of {@link UpstreamJwts}, one refusal each, on tokens crafted with the test OP's keys. */
class UpstreamJwtsTest {
  private static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  private static final String NONCE = "nonce-abc";
  private final OidcUpstreamSettings settings = TestOp.settings();

  private static void refused(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call).isInstanceOfSatisfying(TokenRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private void idToken(JWTClaimsSet claims) {
    UpstreamJwts.checkIdToken(claims, settings, NONCE, NOW);
  }

  @Test
  void verifiedWhenSignedByTheKeyThenClaims() {
    String token = TestOp.rs256(TestOp.idToken(NOW, NONCE).build(), TestOp.RSA);

    JWTClaimsSet claims = UpstreamJwts.verified(UpstreamJwts.signed(token, settings.algorithms()),
        TestOp.RSA.toPublicJWK());

    assertThat(claims.getSubject()).isEqualTo("user-123");
    idToken(claims);
  }

  @Test
  void verifiedWhenEs256ThenClaims() {
    String token = TestOp.es256(TestOp.idToken(NOW, NONCE).build(), TestOp.EC);

    assertThat(UpstreamJwts.verified(UpstreamJwts.signed(token, settings.algorithms()), TestOp.EC.toPublicJWK())
        .getSubject()).isEqualTo("user-123");
  }

  @Test
  void verifiedWhenSignedByAnotherKeyWithTheSameKidThenSignatureRefused() {
    String token = TestOp.rs256(TestOp.idToken(NOW, NONCE).build(), TestOp.OTHER_RSA);

    refused(() -> UpstreamJwts.verified(UpstreamJwts.signed(token, settings.algorithms()), TestOp.RSA.toPublicJWK()),
        Reason.SIGNATURE);
  }

  @Test
  void verifiedWhenPayloadAlteredThenSignatureRefused() {
    String token = TestOp.rs256(TestOp.idToken(NOW, NONCE).build(), TestOp.RSA);
    String[] parts = token.split("\\.");
    String altered = parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode(TestOp.idToken(NOW, NONCE)
        .subject("admin").build().toString()) + "." + parts[2];

    refused(() -> UpstreamJwts.verified(UpstreamJwts.signed(altered, settings.algorithms()),
        TestOp.RSA.toPublicJWK()), Reason.SIGNATURE);
  }

  @Test
  void signedWhenAlgNoneThenAlgorithmRefused() {
    refused(() -> UpstreamJwts.signed(TestOp.none(TestOp.idToken(NOW, NONCE).build()), settings.algorithms()),
        Reason.ALGORITHM);
  }

  @Test
  void signedWhenHmacWithThePublicKeyThenAlgorithmRefused() {
    refused(() -> UpstreamJwts.signed(TestOp.hs256(TestOp.idToken(NOW, NONCE).build()), settings.algorithms()),
        Reason.ALGORITHM);
  }

  @Test
  void signedWhenAlgorithmNotConfiguredThenRefused() {
    String token = TestOp.es256(TestOp.idToken(NOW, NONCE).build(), TestOp.EC);

    refused(() -> UpstreamJwts.signed(token, Set.of(JWSAlgorithm.RS256)), Reason.ALGORITHM);
  }

  @Test
  void verifiedWhenKeyTypeDoesNotFitAlgorithmThenRefused() {
    String token = TestOp.rs256(TestOp.idToken(NOW, NONCE).build(), TestOp.RSA);

    refused(() -> UpstreamJwts.verified(UpstreamJwts.signed(token, settings.algorithms()), TestOp.EC.toPublicJWK()),
        Reason.ALGORITHM);
  }

  @Test
  void signedWhenNotAJwtOrTooLongThenMalformed() {
    refused(() -> UpstreamJwts.signed("not-a-jwt", settings.algorithms()), Reason.MALFORMED);
    refused(() -> UpstreamJwts.signed("", settings.algorithms()), Reason.MALFORMED);
    refused(() -> UpstreamJwts.signed("a".repeat(UpstreamJwts.MAX_TOKEN + 1), settings.algorithms()),
        Reason.MALFORMED);
  }

  @Test
  void checkIdTokenWhenAnotherIssuerThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).issuer("https://evil.example.org").build()), Reason.ISSUER);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).issuer(TestOp.ISSUER + "/").build()), Reason.ISSUER);
  }

  @Test
  void checkIdTokenWhenAudienceIsAnotherClientThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).audience("someone-else").build()), Reason.AUDIENCE);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).audience(List.of()).build()), Reason.AUDIENCE);
  }

  @Test
  void checkIdTokenWhenSeveralAudiencesWithoutAzpThenRefusedWithOursAccepted() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).audience(List.of(TestOp.CLIENT, "other")).build()),
        Reason.AUTHORIZED_PARTY);
    idToken(TestOp.idToken(NOW, NONCE).audience(List.of(TestOp.CLIENT, "other")).claim("azp", TestOp.CLIENT).build());
  }

  @Test
  void checkIdTokenWhenAzpIsAnotherClientThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).claim("azp", "other").build()), Reason.AUTHORIZED_PARTY);
  }

  @Test
  void checkIdTokenWhenNonceWrongOrMissingThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, "another-nonce").build()), Reason.NONCE);
    refused(() -> idToken(TestOp.idToken(NOW, null).build()), Reason.NONCE);
    refused(() -> UpstreamJwts.checkIdToken(TestOp.idToken(NOW, NONCE).build(), settings, null, NOW), Reason.NONCE);
  }

  @Test
  void checkIdTokenWhenExpiredBeyondSkewThenRefusedWithinSkewAccepted() {
    JWTClaimsSet expired = TestOp.idToken(NOW.minusSeconds(400), NONCE).build();
    // exp = NOW - 100 s: within the 2-minute skew
    idToken(expired);
    refused(() -> UpstreamJwts.checkIdToken(expired, settings, NONCE, NOW.plus(Duration.ofMinutes(2))),
        Reason.EXPIRED);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).expirationTime(null).build()), Reason.EXPIRED);
  }

  @Test
  void checkIdTokenWhenIssuedInTheFutureOrLongAgoThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).issueTime(Date.from(NOW.plusSeconds(600))).build()),
        Reason.NOT_YET_VALID);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).issueTime(null).build()), Reason.NOT_YET_VALID);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).issueTime(Date.from(NOW.minus(Duration.ofMinutes(20))))
        .build()), Reason.TOO_OLD);
  }

  @Test
  void checkIdTokenWhenNoSubjectThenRefused() {
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).subject(null).build()), Reason.SUBJECT);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).subject("a\u0000b").build()), Reason.SUBJECT);
    refused(() -> idToken(TestOp.idToken(NOW, NONCE).subject("x".repeat(256)).build()), Reason.SUBJECT);
  }

  private static JWTClaimsSet.Builder logoutToken() {
    return new JWTClaimsSet.Builder().issuer(TestOp.ISSUER).audience(TestOp.CLIENT).issueTime(Date.from(NOW))
        .jwtID("j-1").claim("sid", "op-session-1").subject("user-123")
        .claim("events", Map.of(UpstreamJwts.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
  }

  @Test
  void checkLogoutTokenWhenValidThenAcceptedAlsoWithOnlySidOrSub() {
    UpstreamJwts.checkLogoutToken(logoutToken().build(), settings, NOW);
    UpstreamJwts.checkLogoutToken(logoutToken().subject(null).build(), settings, NOW);
    UpstreamJwts.checkLogoutToken(logoutToken().claim("sid", null).build(), settings, NOW);
  }

  @Test
  void checkLogoutTokenWhenEachRuleBrokenThenRefused() {
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().issuer("https://x.example").build(), settings, NOW),
        Reason.ISSUER);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().audience("other").build(), settings, NOW),
        Reason.AUDIENCE);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().issueTime(null).build(), settings, NOW),
        Reason.NOT_YET_VALID);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().issueTime(Date.from(NOW.minus(Duration.ofHours(1))))
        .build(), settings, NOW), Reason.TOO_OLD);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().expirationTime(Date.from(NOW.minus(Duration
        .ofMinutes(5)))).build(), settings, NOW), Reason.EXPIRED);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().claim("events", null).build(), settings, NOW),
        Reason.EVENTS);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().claim("events", Map.of("urn:other", Map.of())).build(),
        settings, NOW), Reason.EVENTS);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().claim("events", Map.of(UpstreamJwts
        .BACKCHANNEL_LOGOUT_EVENT, "yes")).build(), settings, NOW), Reason.EVENTS);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().claim("nonce", "n").build(), settings, NOW),
        Reason.NONCE_PRESENT);
    refused(() -> UpstreamJwts.checkLogoutToken(logoutToken().claim("sid", null).subject(null).build(), settings, NOW),
        Reason.SESSION);
  }

  @Test
  void checkLogoutTokenWhenAnIdTokenIsPostedThenRefused() {
    refused(() -> UpstreamJwts.checkLogoutToken(TestOp.idToken(NOW, NONCE).build(), settings, NOW), Reason.EVENTS);
  }

  private static JWTClaimsSet.Builder accessToken() {
    return new JWTClaimsSet.Builder().issuer(TestOp.ISSUER).audience("account").claim("azp", TestOp.CLIENT)
        .subject("user-123").issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300)))
        .claim("typ", "Bearer");
  }

  @Test
  void checkAccessTokenWhenAzpOrAudIsAcceptedThenAccepted() {
    UpstreamJwts.checkAccessToken(accessToken().build(), settings, NOW);
    UpstreamJwts.checkAccessToken(accessToken().audience(TestOp.CLIENT).claim("azp", "x").build(), settings, NOW);
  }

  @Test
  void checkAccessTokenWhenEachRuleBrokenThenRefused() {
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().claim("azp", "other").build(), settings, NOW),
        Reason.AUDIENCE);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().issuer("https://x.example").build(), settings, NOW),
        Reason.ISSUER);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().expirationTime(null).build(), settings, NOW),
        Reason.EXPIRED);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().expirationTime(Date.from(NOW.minus(Duration
        .ofMinutes(3)))).build(), settings, NOW), Reason.EXPIRED);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().claim("typ", "ID").build(), settings, NOW),
        Reason.TOKEN_TYPE);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().claim("nonce", "n").build(), settings, NOW),
        Reason.TOKEN_TYPE);
    refused(() -> UpstreamJwts.checkAccessToken(accessToken().subject(null).build(), settings, NOW), Reason.SUBJECT);
  }

  @Test
  void peekIssuerWhenReadableThenIssuerElseEmpty() throws Exception {
    String token = TestOp.rs256(accessToken().build(), TestOp.RSA);

    assertThat(UpstreamJwts.peekIssuer(token)).contains(TestOp.ISSUER);
    assertThat(UpstreamJwts.peekIssuer("garbage")).isEmpty();
    assertThat(UpstreamJwts.peekIssuer(null)).isEmpty();
    assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("rsa-1");
  }
}
