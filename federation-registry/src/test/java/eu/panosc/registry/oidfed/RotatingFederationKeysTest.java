package eu.panosc.registry.oidfed;

import eu.panosc.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RotatingFederationKeysTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryKeyStorage storage = new InMemoryKeyStorage();

  private RotatingFederationKeys open() {
    return RotatingFederationKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7)).await();
  }

  private static java.util.List<String> kids(RotatingFederationKeys keys) {
    return keys.publishedKeys().getKeys().stream().map(JWK::getKeyID).toList();
  }

  @Test
  void openWhenEmptyThenCurrentAndNextPublishedAndOnlyPublicKeys() {
    RotatingFederationKeys keys = open();

    assertThat(keys.publishedKeys().getKeys()).hasSize(2).noneMatch(JWK::isPrivate);
    assertThat(kids(keys)).contains(keys.signingKey().getKeyID());
    assertThat(keys.signingKey().isPrivate()).isTrue();
    assertThat(storage.load().await()).hasSize(2);
  }

  @Test
  void rotationWhenPeriodPassedThenNewKeySignsAndOldStaysPublishedDuringOverlapOnly() {
    RotatingFederationKeys keys = open();
    String first = keys.signingKey().getKeyID();
    String next = kids(keys).stream().filter(k -> !k.equals(first)).findFirst().orElseThrow();

    clock.advance(Duration.ofDays(31));
    keys.maintain().await();

    assertThat(keys.signingKey().getKeyID()).isEqualTo(next);
    assertThat(kids(keys)).contains(first, next).hasSize(3);
    EntityStatements signer = new EntityStatements(keys);
    EntityStatement signed = EntityStatement.parse(signer.entityStatement(new JsonObject()
        .put("iss", "https://ta.example").put("sub", "https://ta.example")
        .put("iat", clock.instant().getEpochSecond()).put("exp", clock.instant().getEpochSecond() + 60)));
    assertThat(signed.kid()).isEqualTo(next);
    assertThat(signed.verifiesWith(keys.publishedKeys())).isTrue();

    clock.advance(Duration.ofDays(7));
    keys.maintain().await();

    assertThat(kids(keys)).doesNotContain(first).contains(next).hasSize(2);
    assertThat(storage.load().await()).noneMatch(r -> r.kid().equals(first));
  }

  @Test
  void openWhenRsaTypeThenRs256KeysRotateLikeEcAndAsEcTheyAreSkippedNotUsedNorDeleted() {
    RotatingFederationKeys rsa = RotatingFederationKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7),
        RotatingFederationKeys.RSA_3072_RS256, null).await();
    assertThat(rsa.signingKey()).isInstanceOf(com.nimbusds.jose.jwk.RSAKey.class);
    assertThat(rsa.signingKey().getAlgorithm()).isEqualTo(com.nimbusds.jose.JWSAlgorithm.RS256);
    assertThat(((com.nimbusds.jose.jwk.RSAKey) rsa.signingKey()).size()).isEqualTo(3072);
    assertThat(rsa.publishedKeys().getKeys()).hasSize(2).noneMatch(JWK::isPrivate);

    // the same records read as EC keys: never used (start-up does not fail on them), kept, new EC keys made
    RotatingFederationKeys ec = RotatingFederationKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7))
        .await();
    assertThat(ec.signingKey()).isInstanceOf(com.nimbusds.jose.jwk.ECKey.class);
    assertThat(ec.publishedKeys().getKeys()).hasSize(2).allMatch(k -> k instanceof com.nimbusds.jose.jwk.ECKey);
    assertThat(storage.load().await()).hasSize(4);
  }

  @Test
  void reopenWhenKeysStoredThenSameSigningKey() {
    String kid = open().signingKey().getKeyID();

    assertThat(open().signingKey().getKeyID()).isEqualTo(kid);
  }
}
