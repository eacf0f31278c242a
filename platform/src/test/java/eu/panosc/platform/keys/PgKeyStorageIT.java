package eu.panosc.platform.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKey;
import eu.panosc.platform.testing.MutableClock;
import eu.panosc.platform.keys.KeyStorage.KeyRecord;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust anchor's (and the aai-broker's) key rows on real PostgreSQL: sealed at rest, bound to their row,
 * re-sealed on a KEK rotation, migrated from plaintext, and rotated once when two replicas rotate together.
 */
class PgKeyStorageIT {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;
  static Pool replica;

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final KeyEncryptionKey kek = kek();

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "keys", 4);
    pool = db.pool();
    replica = db.pool();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @BeforeEach
  void empty() {
    pool.query("DELETE FROM signing_key").execute().await();
  }

  static KeyEncryptionKey kek() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return KeyEncryptionKey.of(b);
  }

  PgKeyStorage storage(Pool p, KeyEncryptionKey current, KeyEncryptionKey... previous) {
    return new PgKeyStorage(p, "keys", "signing_key", new EnvelopeEncryption(current, List.of(previous)));
  }

  RotatingSigningKeys open(PgKeyStorage storage) {
    return RotatingSigningKeys.open(storage, clock, Duration.ofDays(90), Duration.ofDays(7)).await();
  }

  static List<Row> rows() {
    List<Row> out = new ArrayList<>();
    pool.query("SELECT kid, private_jwk, sealed_jwk FROM signing_key ORDER BY kid").execute().await()
        .forEach(out::add);
    return out;
  }

  @Test
  void openWhenKeysGeneratedThenRawRowsHoldNoPrivateKeyMaterialAndRestartReadsThemBack() throws Exception {
    RotatingSigningKeys keys = open(storage(pool, kek));
    JWK signing = keys.signingKey();

    List<Row> rows = rows();
    assertThat(rows).hasSize(2);
    String d = signing.toJSONObject().get("d").toString();
    for (Row r : rows) {
      assertThat(r.getString(1)).isNull();
      assertThat(r.getString(2)).startsWith("pk1." + kek.id() + ".").doesNotContain("\"d\"").doesNotContain(d)
          .doesNotContain("kty");
    }
    // a restart (new storage, same KEK) signs with the same key
    assertThat(open(storage(pool, kek)).signingKey()).isEqualTo(signing);
  }

  @Test
  void loadWhenWrongKekThenRowsSkippedKeptAndNewKeysGenerated() {
    String kid = open(storage(pool, kek)).signingKey().getKeyID();

    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    PgKeyStorage wrong = new PgKeyStorage(pool, "keys", "signing_key",
        new EnvelopeEncryption(kek(), List.of()), meters);
    assertThat(wrong.load().await()).isEmpty();
    assertThat(meters.get(PgKeyStorage.UNUSABLE_ROWS).tag("table", "keys.signing_key").gauge().value())
        .isEqualTo(2.0);
    RotatingSigningKeys other = open(wrong);

    assertThat(other.signingKey().getKeyID()).isNotEqualTo(kid);
    assertThat(rows()).hasSize(4).extracting(r -> r.getString(0)).contains(kid);
    // the right KEK still opens its own rows
    assertThat(storage(pool, kek).load().await()).extracting(KeyRecord::kid).contains(kid);
  }

  @Test
  void loadWhenCiphertextTamperedOrSwappedBetweenRowsThenThoseRowsAreNotUsed() {
    open(storage(pool, kek));
    List<Row> rows = rows();
    String a = rows.get(0).getString(0);
    String b = rows.get(1).getString(0);
    String sealedA = rows.get(0).getString(2);
    String sealedB = rows.get(1).getString(2);
    // swap the two envelopes: each is now in a row it was not sealed for
    pool.preparedQuery("UPDATE signing_key SET sealed_jwk = $2 WHERE kid = $1")
        .executeBatch(List.of(Tuple.of(a, sealedB), Tuple.of(b, sealedA))).await();
    assertThat(storage(pool, kek).load().await()).isEmpty();

    // one byte of a ciphertext changed
    char last = sealedA.charAt(sealedA.length() - 2);
    String flipped = sealedA.substring(0, sealedA.length() - 2) + (last == 'A' ? 'B' : 'A')
        + sealedA.charAt(sealedA.length() - 1);
    pool.preparedQuery("UPDATE signing_key SET sealed_jwk = $2 WHERE kid = $1")
        .executeBatch(List.of(Tuple.of(a, flipped), Tuple.of(b, sealedB))).await();
    assertThat(storage(pool, kek).load().await()).extracting(KeyRecord::kid).containsExactly(b);
  }

  @Test
  void openWhenKekRotatedThenEveryRowResealedUnderTheNewKekAndOldKekNoLongerOpensThem() {
    JWK signing = open(storage(pool, kek)).signingKey();
    KeyEncryptionKey next = kek();

    RotatingSigningKeys rotated = open(storage(pool, next, kek));

    assertThat(rotated.signingKey()).isEqualTo(signing);
    assertThat(rows()).hasSize(2).allSatisfy(r -> assertThat(r.getString(2)).startsWith("pk1." + next.id() + "."));
    assertThat(storage(pool, kek).load().await()).isEmpty();
    assertThat(open(storage(pool, next)).signingKey()).isEqualTo(signing);
  }

  @Test
  void openWhenPlaintextRowsFromAnOlderVersionThenSealedAndPlaintextCleared() throws Exception {
    JWK legacy = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
        .keyIDFromThumbprint(true).generate();
    pool.preparedQuery("INSERT INTO signing_key (kid, private_jwk, active_from) VALUES ($1, $2, $3)")
        .execute(Tuple.of(legacy.getKeyID(), legacy.toJSONString(),
            clock.instant().minusSeconds(60).atOffset(ZoneOffset.UTC))).await();

    RotatingSigningKeys keys = open(storage(pool, kek));

    assertThat(keys.signingKey()).isEqualTo(legacy);
    assertThat(rows()).allSatisfy(r -> {
      assertThat(r.getString(1)).isNull();
      assertThat(r.getString(2)).startsWith("pk1." + kek.id() + ".");
    });
  }

  @Test
  void maintainWhenTwoReplicasRotateAtTheSameInstantThenExactlyOneNewKey() {
    // from an empty table: one current and one next key, not two of each
    Future.all(RotatingSigningKeys.open(storage(pool, kek), clock, Duration.ofDays(90), Duration.ofDays(7),
            RotatingSigningKeys.RSA_3072_RS256, db.vertx()),
        RotatingSigningKeys.open(storage(replica, kek), clock, Duration.ofDays(90), Duration.ofDays(7),
            RotatingSigningKeys.RSA_3072_RS256, db.vertx())).await();
    assertThat(rows()).hasSize(2);

    RotatingSigningKeys first = RotatingSigningKeys.open(storage(pool, kek), clock, Duration.ofDays(90),
        Duration.ofDays(7), RotatingSigningKeys.RSA_3072_RS256, db.vertx()).await();
    RotatingSigningKeys second = RotatingSigningKeys.open(storage(replica, kek), clock, Duration.ofDays(90),
        Duration.ofDays(7), RotatingSigningKeys.RSA_3072_RS256, db.vertx()).await();
    clock.advance(Duration.ofDays(91));

    var both = Future.all(first.maintain(), second.maintain()).await();

    assertThat(rows()).hasSize(3);
    assertThat(List.of(both.<Boolean>resultAt(0), both.<Boolean>resultAt(1))).containsExactlyInAnyOrder(true, false);
    assertThat(first.signingKey()).isEqualTo(second.signingKey());
    assertThat(first.publishedKeys().getKeys()).hasSize(3);
  }
}
