package eu.panosc.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.KeysConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeysTest {
  private static final byte[] MATERIAL = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  @Test
  void loadWhenNothingConfiguredAndEmbeddedThenGeneratedOnceWithMode0600() throws Exception {
    EnvelopeEncryption first = KeyEncryptionKeys.load(KeysConfig.none(), dir, true, Map.of());
    EnvelopeEncryption again = KeyEncryptionKeys.load(KeysConfig.none(), dir, true, Map.of());

    Path file = dir.resolve(KeyEncryptionKeys.GENERATED);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(again.currentKekId()).isEqualTo(first.currentKekId());
    assertThat(again.openText(first.sealText("x", "t/1"), "t/1")).isEqualTo("x");
  }

  @Test
  void loadWhenNothingConfiguredAndExternalDatabaseThenConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> KeyEncryptionKeys.load(KeysConfig.none(), dir, false, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.kekFile:");
  }

  @Test
  void loadWhenFileOrEnvInEveryEncodingThenSameKek() throws Exception {
    String id = KeyEncryptionKey.of(MATERIAL).id();
    Path raw = Files.write(dir.resolve("raw"), MATERIAL);
    Path b64 = Files.writeString(dir.resolve("b64"), Base64.getEncoder().encodeToString(MATERIAL) + "\n");
    Path hex = Files.writeString(dir.resolve("hex"), HexFormat.of().formatHex(MATERIAL));
    for (Path p : List.of(raw, b64, hex)) {
      KeysConfig c = new KeysConfig(Optional.of(p), Optional.empty(), List.of(), List.of());
      assertThat(KeyEncryptionKeys.load(c, dir, false, Map.of()).currentKekId()).isEqualTo(id);
    }
    KeysConfig env = new KeysConfig(Optional.empty(), Optional.of("KEK"), List.of(), List.of());
    assertThat(KeyEncryptionKeys.load(env, dir, false,
        Map.of("KEK", Base64.getUrlEncoder().withoutPadding().encodeToString(MATERIAL))).currentKekId()).isEqualTo(id);
  }

  @Test
  void loadWhenValueIsNotAKeyOrMissingThenConfigErrorWithoutTheValue() throws Exception {
    Path shortFile = Files.writeString(dir.resolve("short"), "tooshort-secret");
    KeysConfig c = new KeysConfig(Optional.of(shortFile), Optional.empty(), List.of(), List.of());
    assertThatThrownBy(() -> KeyEncryptionKeys.load(c, dir, false, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.kekFile:")
        .hasMessageNotContaining("tooshort-secret");
    KeysConfig env = new KeysConfig(Optional.empty(), Optional.of("NOPE"), List.of(), List.of());
    assertThatThrownBy(() -> KeyEncryptionKeys.load(env, dir, false, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("NOPE is not set");
  }

  @Test
  void loadWhenConfiguredAfterGeneratedThenGeneratedIsPreviousAndOpensOldEnvelopes() throws Exception {
    EnvelopeEncryption generated = KeyEncryptionKeys.load(KeysConfig.none(), dir, true, Map.of());
    String old = generated.sealText("x", "t/1");
    Path kek = Files.write(dir.resolve("kek"), MATERIAL);

    EnvelopeEncryption configured = KeyEncryptionKeys.load(
        new KeysConfig(Optional.of(kek), Optional.empty(), List.of(), List.of()), dir, true, Map.of());

    assertThat(configured.currentKekId()).isEqualTo(KeyEncryptionKey.of(MATERIAL).id());
    assertThat(configured.isCurrent(old)).isFalse();
    assertThat(configured.openText(old, "t/1")).isEqualTo("x");
  }
}
