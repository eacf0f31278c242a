package eu.panosc.registry.federation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKey;
import eu.panosc.registry.federation.SamlSigningKey.Material;
import eu.panosc.registry.saml.XmlSigning;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated SAML metadata signing key on real PostgreSQL: sealed, shared, imported, re-sealed. */
class PgSamlKeyStoreIT {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;
  static Material generated;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "registry", 4);
    pool = db.pool();
    generated = SamlSigningKey.generate("registry.example");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @BeforeEach
  void empty() {
    pool.query("DELETE FROM saml_signing_key").execute().await();
  }

  final KeyEncryptionKey kek = kek();

  static KeyEncryptionKey kek() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return KeyEncryptionKey.of(b);
  }
  final AtomicInteger generations = new AtomicInteger();

  PgSamlKeyStore store(KeyEncryptionKey current, KeyEncryptionKey... previous) {
    return new PgSamlKeyStore(pool, new EnvelopeEncryption(current, List.of(previous)), Clock.systemUTC());
  }

  PgSamlKeyStore.Source source(Optional<Material> legacy, Runnable imported) {
    return new PgSamlKeyStore.Source() {
      @Override
      public Optional<Material> legacy() {
        return legacy;
      }

      @Override
      public void imported() {
        imported.run();
      }

      @Override
      public Material generate() {
        generations.incrementAndGet();
        return generated;
      }
    };
  }

  static Row row() {
    return pool.query("SELECT id, sealed_key, certificate FROM saml_signing_key").execute().await().iterator().next();
  }

  @Test
  void openWhenNoKeyThenGeneratedOnceStoredSealedAndReadBackOnRestart() throws Exception {
    XmlSigning first = store(kek).open(db.vertx(), source(Optional.empty(), () -> { })).await();
    XmlSigning again = store(kek).open(db.vertx(), source(Optional.empty(), () -> { })).await();

    assertThat(generations).hasValue(1);
    assertThat(again.certificate()).isEqualTo(first.certificate());
    String pkcs8 = Base64.getEncoder().encodeToString(generated.key().getEncoded());
    assertThat(row().getString(1)).startsWith("pk1." + kek.id() + ".").doesNotContain("PRIVATE KEY")
        .doesNotContain(pkcs8.substring(0, 40));
  }

  @Test
  void openWhenKekRotatedThenResealedAndWhenKekUnknownThenRowKeptAndNewKeyMade() {
    XmlSigning first = store(kek).open(db.vertx(), source(Optional.empty(), () -> { })).await();
    KeyEncryptionKey next = kek();

    XmlSigning rotated = store(next, kek).open(db.vertx(), source(Optional.empty(), () -> { })).await();

    assertThat(rotated.certificate()).isEqualTo(first.certificate());
    assertThat(row().getString(1)).startsWith("pk1." + next.id() + ".");
    store(kek()).open(db.vertx(), source(Optional.empty(), () -> { })).await();
    assertThat(generations).hasValue(2);
  }

  @Test
  void openWhenLegacyFilesFromAnOlderVersionThenImportedSealedAndFilesDeleted() throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("legacy"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("saml", generated.key(), "pw".toCharArray(), new Certificate[] {generated.certificate()});
    try (var out = Files.newOutputStream(dir.resolve(SamlSigningKey.LEGACY_STORE))) {
      ks.store(out, "pw".toCharArray());
    }
    Files.writeString(dir.resolve(SamlSigningKey.LEGACY_PASSWORD), "pw\n");

    XmlSigning imported = store(kek).open(db.vertx(), source(SamlSigningKey.legacy(dir),
        () -> SamlSigningKey.deleteLegacy(dir))).await();

    assertThat(imported.certificate()).isEqualTo(generated.certificate());
    assertThat(generations).hasValue(0);
    assertThat(dir.resolve(SamlSigningKey.LEGACY_STORE)).doesNotExist();
    assertThat(dir.resolve(SamlSigningKey.LEGACY_PASSWORD)).doesNotExist();
    assertThat(row().getString(1)).startsWith("pk1.");
  }
}
