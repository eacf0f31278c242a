package eu.panosc.aai.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.keys.SigningKeys;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EntityConfigurationTest {
  private static final String ISSUER = "https://cp.example/aai";
  private static final String TRUST_ANCHOR = "https://cp.example/registry";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A key set whose signing key the test replaces (a rotation). */
  private static class SwappableKeys implements SigningKeys {
    final AtomicReference<ECKey> key = new AtomicReference<>();

    SwappableKeys(ECKey first) {
      key.set(first);
    }

    @Override
    public JWK signingKey() {
      return key.get();
    }

    @Override
    public JWKSet publishedKeys() {
      return new JWKSet(key.get().toPublicJWK());
    }
  }

  private static ECKey newKey(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private static EntityConfiguration configuration(SigningKeys keys, MutableClock clock) {
    return new EntityConfiguration(ISSUER, TRUST_ANCHOR,
        () -> new JsonObject().put("issuer", ISSUER).put("jwks_uri", ISSUER + "/jwks"),
        new JsonObject().put("organization_name", "PaNOSC aai-broker"), keys, clock, Duration.ofDays(1));
  }

  @Test
  void signedWhenRelyingPartyMetadataGivenThenPublishedBesideTheOthersAndWithoutItAbsent() throws Exception {
    ECKey key = newKey("fed-1");
    JsonObject rp = new JsonObject().put("client_registration_types", new io.vertx.core.json.JsonArray()
        .add("automatic")).put("jwks_uri", ISSUER + "/jwks");
    SignedJWT with = SignedJWT.parse(new EntityConfiguration(ISSUER, TRUST_ANCHOR,
        () -> new JsonObject().put("issuer", ISSUER), new JsonObject(), java.util.Optional.of(rp),
        new SwappableKeys(key), new MutableClock(T0), Duration.ofDays(1)).signed());
    SignedJWT without = SignedJWT.parse(configuration(new SwappableKeys(key), new MutableClock(T0)).signed());

    JsonObject metadata = new JsonObject(with.getJWTClaimsSet().getJSONObjectClaim("metadata"));
    assertThat(metadata.getJsonObject("openid_relying_party")).isEqualTo(rp);
    assertThat(metadata.fieldNames()).contains("openid_provider", "federation_entity");
    assertThat(new JsonObject(without.getJWTClaimsSet().getJSONObjectClaim("metadata")).fieldNames())
        .containsExactlyInAnyOrder("openid_provider", "federation_entity");
  }

  @Test
  void signedWhenAskedThenSelfSignedEntityStatementWithHintsKeysAndBothEntityTypes() throws Exception {
    ECKey key = newKey("fed-1");
    MutableClock clock = new MutableClock(T0);
    SignedJWT jwt = SignedJWT.parse(configuration(new SwappableKeys(key), clock).signed());

    assertThat(jwt.getHeader().getType().getType()).isEqualTo("entity-statement+jwt");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("fed-1");
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    JWKSet published = JWKSet.parse(claims.getJSONObjectClaim("jwks"));
    assertThat(jwt.verify(new ECDSAVerifier((ECKey) published.getKeyByKeyId("fed-1")))).isTrue();
    assertThat(published.getKeys()).noneMatch(JWK::isPrivate);
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getSubject()).isEqualTo(ISSUER);
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(T0);
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofDays(1)));
    assertThat(claims.getStringListClaim("authority_hints")).containsExactly(TRUST_ANCHOR);
    JsonObject metadata = new JsonObject(claims.getJSONObjectClaim("metadata"));
    assertThat(metadata.getJsonObject("openid_provider").getString("jwks_uri")).isEqualTo(ISSUER + "/jwks");
    assertThat(metadata.getJsonObject("openid_provider").getJsonArray("client_registration_types_supported"))
        .isEmpty();
    assertThat(metadata.getJsonObject("federation_entity").getString("organization_name"))
        .isEqualTo("PaNOSC aai-broker");
  }

  @Test
  void signedWhenAskedAgainWithinAMinuteThenSameStatementAfterwardsANewOne() throws Exception {
    MutableClock clock = new MutableClock(T0);
    EntityConfiguration configuration = configuration(new SwappableKeys(newKey("fed-1")), clock);
    String first = configuration.signed();

    clock.advance(Duration.ofSeconds(59));
    assertThat(configuration.signed()).isEqualTo(first);

    clock.advance(Duration.ofSeconds(1));
    String later = configuration.signed();
    assertThat(later).isNotEqualTo(first);
    assertThat(SignedJWT.parse(later).getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void signedWhenSigningKeyRotatedThenSignsAtOnceWithTheNewKey() throws Exception {
    MutableClock clock = new MutableClock(T0);
    SwappableKeys keys = new SwappableKeys(newKey("fed-1"));
    EntityConfiguration configuration = configuration(keys, clock);
    configuration.signed();

    keys.key.set(newKey("fed-2"));
    SignedJWT jwt = SignedJWT.parse(configuration.signed());
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("fed-2");
    assertThat(jwt.verify(new ECDSAVerifier(keys.key.get().toECPublicKey()))).isTrue();
  }

  @Test
  void signedWhenKeyIsPublicOnlyThenRefusesToSign() throws Exception {
    SigningKeys publicOnly = new SwappableKeys(newKey("fed-1")) {
      @Override
      public JWK signingKey() {
        return key.get().toPublicJWK();
      }
    };
    assertThatThrownBy(() -> configuration(publicOnly, new MutableClock(T0)).signed())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("private EC key");
  }

  @Test
  void constructorWhenLifetimeNotLongerThanReuseThenRefused() {
    assertThatThrownBy(() -> new EntityConfiguration(ISSUER, TRUST_ANCHOR, JsonObject::new, new JsonObject(),
        new SwappableKeys(newKey("fed-1")), new MutableClock(T0), Duration.ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
  }

  @Test
  void demoKeyWhenLoadedThenPrivateWithThePublishedKidAndPublishesThePublicHalfOnly() {
    DemoFederationKey demo = DemoFederationKey.fromFixture();
    assertThat(demo.signingKey().isPrivate()).isTrue();
    assertThat(demo.signingKey().getKeyID()).isEqualTo("aai-broker-fed-1");
    assertThat(demo.publishedKeys().getKeys()).singleElement()
        .satisfies(k -> assertThat(k.isPrivate()).isFalse())
        .satisfies(k -> assertThat(k.getKeyID()).isEqualTo("aai-broker-fed-1"));
  }
}
