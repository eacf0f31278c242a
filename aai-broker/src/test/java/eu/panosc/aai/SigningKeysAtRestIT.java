package eu.panosc.aai;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.platform.crypto.KeyEncryptionKey;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aai-broker's token signing keys (ES256 and RS256) at rest, across restarts of a real platform: sealed under
 * the generated KEK, re-sealed when a KEK is configured, and skipped (not fatal) under a KEK that is gone.
 */
class SigningKeysAtRestIT {
  @TempDir
  Path dataDir;

  record Stored(String table, String kid, String plaintext, String sealed) {}

  static List<Stored> rows(Platform platform) {
    Pool sql = platform.database().pool(platform.vertx(), "aai");
    try {
      List<Stored> out = new ArrayList<>();
      for (String table : List.of("signing_key", "rsa_signing_key")) {
        for (Row r : sql.query("SELECT kid, private_jwk, sealed_jwk FROM " + table).execute().await()) {
          out.add(new Stored(table, r.getString(0), r.getString(1), r.getString(2)));
        }
      }
      return out;
    } finally {
      sql.close().await();
    }
  }

  static List<String> publishedKids(Platform platform) throws Exception {
    return JWKSet.parse(Http.get(platform.baseUrl() + "/aai/jwks").body()).getKeys().stream().map(JWK::getKeyID)
        .toList();
  }

  Path kekFile(String name) throws Exception {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Files.writeString(dataDir.resolve(name), Base64.getEncoder().encodeToString(b));
  }

  static String kekId(Path file) throws Exception {
    return KeyEncryptionKey.parse(Files.readAllBytes(file)).id();
  }

  @Test
  void restartWhenKekGeneratedThenConfiguredThenLostThenKeysSealedResealedAndReplaced() throws Exception {
    Platform first = AaiPlatform.start(dataDir, true, Map.of());
    List<Stored> generated;
    List<String> kids;
    try {
      generated = rows(first);
      kids = publishedKids(first);
    } finally {
      first.stop().get(60, TimeUnit.SECONDS);
    }
    String generatedId = kekId(dataDir.resolve("keys/kek"));
    assertThat(generated).hasSize(4).allSatisfy(s -> {
      assertThat(s.plaintext()).isNull();
      assertThat(s.sealed()).startsWith("pk1." + generatedId + ".").doesNotContain("\"d\"");
    });
    assertThat(kids).containsExactlyInAnyOrderElementsOf(generated.stream().map(Stored::kid).toList());

    // an operator configures a KEK: the generated one still opens the rows, which are re-sealed at start
    Path configured = kekFile("kek-2");
    Platform second = AaiPlatform.start(dataDir, true, Map.of("keys.kekFile", configured.toString()));
    try {
      assertThat(rows(second)).hasSize(4)
          .allSatisfy(s -> assertThat(s.sealed()).startsWith("pk1." + kekId(configured) + "."));
      assertThat(publishedKids(second)).containsExactlyInAnyOrderElementsOf(kids);
    } finally {
      second.stop().get(60, TimeUnit.SECONDS);
    }

    // the KEK is lost (another one configured, no previous): the service starts with new keys, old rows kept
    Files.delete(dataDir.resolve("keys/kek"));
    Path other = kekFile("kek-3");
    Platform third = AaiPlatform.start(dataDir, true, Map.of("keys.kekFile", other.toString()));
    try {
      assertThat(rows(third)).hasSize(8);
      assertThat(publishedKids(third)).hasSize(4).doesNotContainAnyElementsOf(kids);
      assertThat(Http.get(third.baseUrl() + "/aai/.well-known/openid-configuration").statusCode()).isEqualTo(200);
    } finally {
      third.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
