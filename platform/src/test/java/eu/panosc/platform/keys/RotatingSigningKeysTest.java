package eu.panosc.platform.keys;

import eu.panosc.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Keys rotate on schedule: current and next published, a replaced key kept for the overlap only. */
class RotatingSigningKeysTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryKeyStorage storage = new InMemoryKeyStorage();

  private RotatingSigningKeys open() {
    return RotatingSigningKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7)).await();
  }

  private static java.util.List<String> kids(RotatingSigningKeys keys) {
    return keys.publishedKeys().getKeys().stream().map(JWK::getKeyID).toList();
  }

  /** A JWT signed with the current key, its kid in the header. */
  private SignedJWT sign(RotatingSigningKeys keys) throws JOSEException {
    ECKey key = (ECKey) keys.signingKey();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer("https://issuer.example").subject("s").build());
    jwt.sign(new ECDSASigner(key));
    return jwt;
  }

  /** True when the key the header names is published and verifies the signature. */
  private static boolean verifies(SignedJWT jwt, JWKSet published) throws JOSEException {
    JWK key = published.getKeyByKeyId(jwt.getHeader().getKeyID());
    return key != null && jwt.verify(new ECDSAVerifier((ECKey) key));
  }

  @Test
  void openWhenEmptyThenCurrentAndNextPublishedAndOnlyPublicKeys() {
    RotatingSigningKeys keys = open();

    assertThat(keys.publishedKeys().getKeys()).hasSize(2).noneMatch(JWK::isPrivate);
    assertThat(kids(keys)).contains(keys.signingKey().getKeyID());
    assertThat(keys.signingKey().isPrivate()).isTrue();
    assertThat(storage.load().await()).hasSize(2);
  }

  @Test
  void rotationWhenPeriodPassedThenNewKeySignsAndOldStaysPublishedDuringOverlapOnly() throws Exception {
    RotatingSigningKeys keys = open();
    String first = keys.signingKey().getKeyID();
    String next = kids(keys).stream().filter(k -> !k.equals(first)).findFirst().orElseThrow();

    clock.advance(Duration.ofDays(31));
    keys.maintain().await();

    assertThat(keys.signingKey().getKeyID()).isEqualTo(next);
    assertThat(kids(keys)).contains(first, next).hasSize(3);
    SignedJWT signed = sign(keys);
    assertThat(signed.getHeader().getKeyID()).isEqualTo(next);
    assertThat(verifies(signed, keys.publishedKeys())).isTrue();

    clock.advance(Duration.ofDays(7));
    keys.maintain().await();

    assertThat(kids(keys)).doesNotContain(first).contains(next).hasSize(2);
    assertThat(storage.load().await()).noneMatch(r -> r.kid().equals(first));
  }

  @Test
  void openWhenRsaTypeThenRs256KeysRotateLikeEcAndAsEcTheyAreSkippedNotUsedNorDeleted() {
    RotatingSigningKeys rsa = RotatingSigningKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7),
        RotatingSigningKeys.RSA_3072_RS256, null).await();
    assertThat(rsa.signingKey()).isInstanceOf(com.nimbusds.jose.jwk.RSAKey.class);
    assertThat(rsa.signingKey().getAlgorithm()).isEqualTo(com.nimbusds.jose.JWSAlgorithm.RS256);
    assertThat(((com.nimbusds.jose.jwk.RSAKey) rsa.signingKey()).size()).isEqualTo(3072);
    assertThat(rsa.publishedKeys().getKeys()).hasSize(2).noneMatch(JWK::isPrivate);

    // the same records read as EC keys: never used (start-up does not fail on them), kept, new EC keys made
    RotatingSigningKeys ec = RotatingSigningKeys.open(storage, clock, Duration.ofDays(30), Duration.ofDays(7))
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

  @Test
  void reloadWhenTheLeadingReplicaRotatedThenTheFollowerSignsWithAndPublishesTheNewKeys() throws Exception {
    RotatingSigningKeys leader = open();
    RotatingSigningKeys follower = open();
    clock.advance(Duration.ofDays(31));
    assertThat(leader.maintain().await()).isTrue();
    java.util.List<String> before = kids(follower);
    assertThat(kids(follower)).isNotEqualTo(kids(leader));

    follower.reload().await();

    assertThat(kids(follower)).isEqualTo(kids(leader)).isNotEqualTo(before);
    assertThat(follower.signingKey().getKeyID()).isEqualTo(leader.signingKey().getKeyID());
    assertThat(verifies(sign(follower), leader.publishedKeys())).isTrue();
    assertThat(storage.load().await()).as("reload changes nothing stored").hasSize(kids(leader).size());
  }
}
