package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.oidc.TokenRejectedException.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection answers checked as upstream access tokens are; which subject tokens count as opaque. */
class UpstreamAccessTokensTest {
  private static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  private final OidcUpstreamSettings settings = TestOp.settings();

  /** An active answer for a token issued to the broker's client. */
  private static JsonObject active() {
    return new JsonObject().put("active", true).put("iss", TestOp.ISSUER).put("sub", "user-123")
        .put("client_id", TestOp.CLIENT).put("exp", NOW.plusSeconds(300).getEpochSecond())
        .put("token_type", "Bearer").put("voperson_id", "user-123@eduteams.example");
  }

  private void refused(JsonObject answer, Reason reason) {
    assertThatThrownBy(() -> UpstreamAccessTokens.introspectedClaims(answer, settings, NOW))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void introspectedClaimsWhenActiveForTheBrokerThenClaimsWithClientIdAsAzp() {
    JWTClaimsSet c = UpstreamAccessTokens.introspectedClaims(active(), settings, NOW);

    assertThat(c.getSubject()).isEqualTo("user-123");
    assertThat(c.getClaim("azp")).isEqualTo(TestOp.CLIENT);
    assertThat(c.getClaim("voperson_id")).isEqualTo("user-123@eduteams.example");
    assertThat(c.getClaim("active")).isNull();
    assertThat(c.getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(300));
  }

  @Test
  void introspectedClaimsWhenNoIssOrAudInsteadOfClientIdThenAccepted() {
    JsonObject noIss = active();
    noIss.remove("iss");
    assertThat(UpstreamAccessTokens.introspectedClaims(noIss, settings, NOW).getIssuer()).isEqualTo(TestOp.ISSUER);
    JsonObject aud = active().put("client_id", "someone-else").put("aud", new JsonArray().add(TestOp.CLIENT));
    assertThat(UpstreamAccessTokens.introspectedClaims(aud, settings, NOW).getAudience())
        .containsExactly(TestOp.CLIENT);
  }

  @Test
  void introspectedClaimsWhenEachRuleBrokenThenRefusedNamingIt() {
    refused(active().put("active", false), Reason.INACTIVE);
    refused(active().put("active", "true"), Reason.INACTIVE);
    JsonObject noActive = active();
    noActive.remove("active");
    refused(noActive, Reason.INACTIVE);
    refused(active().put("iss", "https://evil.example.org"), Reason.ISSUER);
    refused(active().put("client_id", "another-client"), Reason.AUDIENCE);
    JsonObject noExp = active();
    noExp.remove("exp");
    refused(noExp, Reason.EXPIRED);
    refused(active().put("exp", NOW.minusSeconds(600).getEpochSecond()), Reason.EXPIRED);
    refused(active().put("token_type", "refresh_token"), Reason.TOKEN_TYPE);
    refused(active().put("token_type", "DPoP"), Reason.TOKEN_TYPE);
    refused(active().put("typ", "Refresh"), Reason.TOKEN_TYPE);
    JsonObject noSub = active();
    noSub.remove("sub");
    refused(noSub, Reason.SUBJECT);
    refused(active().put("exp", "tomorrow"), Reason.MALFORMED);
    refused(active().put("iat", NOW.plusSeconds(3600).getEpochSecond()), Reason.NOT_YET_VALID);
  }

  @Test
  void opaqueWhenNotAJwtAndOfTokenCharactersThenTrue() {
    assertThat(UpstreamAccessTokens.opaque("2YotnFZFEjr1zCsicMWpAA")).isTrue();
    assertThat(UpstreamAccessTokens.opaque("ab.cd")).as("dots, but not a JWT").isTrue();
    assertThat(UpstreamAccessTokens.opaque(TestOp.rs256(TestOp.idToken(NOW, "n").build(), TestOp.RSA))).isFalse();
    assertThat(UpstreamAccessTokens.opaque("has space")).isFalse();
    assertThat(UpstreamAccessTokens.opaque("line\nbreak")).isFalse();
    assertThat(UpstreamAccessTokens.opaque("")).isFalse();
    assertThat(UpstreamAccessTokens.opaque(null)).isFalse();
    assertThat(UpstreamAccessTokens.opaque("a".repeat(UpstreamJwts.MAX_TOKEN + 1))).isFalse();
  }

  @Test
  void hashWhenTokenThenSha256NotContainingTheToken() {
    String token = "2YotnFZFEjr1zCsicMWpAA";
    assertThat(UpstreamAccessTokens.hash(token)).hasSize(43).doesNotContain(token)
        .isEqualTo(UpstreamAccessTokens.hash(token)).isNotEqualTo(UpstreamAccessTokens.hash(token + "x"));
  }
}
