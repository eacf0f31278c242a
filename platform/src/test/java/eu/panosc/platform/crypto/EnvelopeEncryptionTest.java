package eu.panosc.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.crypto.EnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeEncryptionTest {
  private static final String SECRET = "{\"kty\":\"EC\",\"d\":\"very-private\"}";

  static KeyEncryptionKey randomKek() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return KeyEncryptionKey.of(b);
  }

  private final KeyEncryptionKey kek = randomKek();
  private final EnvelopeEncryption envelopes = new EnvelopeEncryption(kek, List.of());

  @Test
  void sealWhenOpenedWithSameContextThenPlaintextAndEnvelopeHidesIt() {
    String sealed = envelopes.sealText(SECRET, "aai.signing_key/k1");

    assertThat(sealed).startsWith("pk1." + kek.id() + ".").doesNotContain("very-private").doesNotContain("kty");
    assertThat(envelopes.openText(sealed, "aai.signing_key/k1")).isEqualTo(SECRET);
    assertThat(envelopes.sealText(SECRET, "aai.signing_key/k1")).isNotEqualTo(sealed);
  }

  @Test
  void openWhenWrongKekThenUnknownKekAndWhenSameIdForgedThenTampered() {
    String sealed = envelopes.sealText(SECRET, "t/k1");
    EnvelopeEncryption other = new EnvelopeEncryption(randomKek(), List.of());

    assertThatThrownBy(() -> other.open(sealed, "t/k1")).isInstanceOf(EnvelopeException.class)
        .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.UNKNOWN_KEK);
    String claimed = sealed.replace(kek.id(), other.currentKekId());
    assertThatThrownBy(() -> other.open(claimed, "t/k1"))
        .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.TAMPERED);
  }

  @Test
  void openWhenCiphertextNonceOrContextChangedThenTampered() {
    String sealed = envelopes.sealText(SECRET, "t/k1");
    String[] p = sealed.split("\\.");
    byte[] ct = Base64.getUrlDecoder().decode(p[3]);
    ct[0] ^= 1;
    String flipped = p[0] + "." + p[1] + "." + p[2] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(ct);
    byte[] nonce = Base64.getUrlDecoder().decode(p[2]);
    nonce[0] ^= 1;
    String otherNonce = p[0] + "." + p[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce)
        + "." + p[3];

    for (String bad : List.of(flipped, otherNonce)) {
      assertThatThrownBy(() -> envelopes.open(bad, "t/k1"))
          .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.TAMPERED);
    }
    // the same envelope moved to another row (row swap) or another table
    assertThatThrownBy(() -> envelopes.open(sealed, "t/k2"))
        .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.TAMPERED);
    assertThatThrownBy(() -> envelopes.open(sealed, "u/k1"))
        .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.TAMPERED);
  }

  @Test
  void openWhenNotAnEnvelopeThenMalformed() {
    for (String bad : List.of("", "{\"kty\":\"EC\"}", "pk1.x", "pk2.a.b.c", "pk1." + kek.id() + ".!!.??",
        "pk1." + kek.id() + ".AAAA.AAAA")) {
      assertThatThrownBy(() -> envelopes.open(bad, "t/k1"))
          .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.MALFORMED);
    }
    assertThat(EnvelopeEncryption.isEnvelope("{\"kty\":\"EC\"}")).isFalse();
  }

  @Test
  void rotationWhenOldKekIsPreviousThenOldEnvelopesOpenAndNewOnesUseCurrent() {
    String old = envelopes.sealText(SECRET, "t/k1");
    KeyEncryptionKey next = randomKek();
    EnvelopeEncryption rotated = new EnvelopeEncryption(next, List.of(kek));

    assertThat(rotated.isCurrent(old)).isFalse();
    assertThat(rotated.openText(old, "t/k1")).isEqualTo(SECRET);
    String resealed = rotated.sealText(rotated.openText(old, "t/k1"), "t/k1");
    assertThat(rotated.isCurrent(resealed)).isTrue();
    assertThat(EnvelopeEncryption.kekIdOf(resealed)).isEqualTo(next.id());
    assertThat(rotated.kekIds()).containsExactly(next.id(), kek.id());
    assertThatThrownBy(() -> envelopes.open(resealed, "t/k1"))
        .extracting(e -> ((EnvelopeException) e).reason()).isEqualTo(Reason.UNKNOWN_KEK);
  }

  @Test
  void kekWhenPrintedThenRedactedAndIdIsStable() {
    byte[] b = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeyEncryptionKey.of(b).toString()).doesNotContain("0123").contains("redacted");
    assertThat(KeyEncryptionKey.of(b).id()).isEqualTo(KeyEncryptionKey.of(b.clone()).id()).hasSize(16);
  }
}
