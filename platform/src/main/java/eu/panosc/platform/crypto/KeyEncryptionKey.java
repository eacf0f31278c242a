package eu.panosc.platform.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One key-encryption key: 256 bits for AES-256-GCM, with an id derived from the key itself (the first 8 bytes of
 * HMAC-SHA-256 over a fixed label, hex), so that an envelope names the KEK it needs without revealing it and an
 * operator never has to name keys. Never printed.
 *
 * @param id the derived, public key id (16 hex digits)
 * @param key the AES key
 */
public record KeyEncryptionKey(String id, SecretKey key) {
  static final int BYTES = 32;
  private static final byte[] ID_LABEL = "panosc key-encryption key id".getBytes(StandardCharsets.US_ASCII);

  public KeyEncryptionKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
  }

  /** The KEK of these 32 bytes. */
  public static KeyEncryptionKey of(byte[] material) {
    if (material.length != BYTES) {
      throw new IllegalArgumentException("a key-encryption key has 32 bytes, got " + material.length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(material, "HmacSHA256"));
      String id = HexFormat.of().formatHex(Arrays.copyOf(mac.doFinal(ID_LABEL), 8));
      return new KeyEncryptionKey(id, new SecretKeySpec(material, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }

  /**
   * Reads a KEK as written in a file, an environment variable or a Secret: 32 raw bytes, or 32 bytes as base64
   * (standard or URL-safe, padded or not) or as 64 hex digits; surrounding white space is ignored in the text forms.
   *
   * @throws IllegalArgumentException naming what was expected (never the value)
   */
  public static KeyEncryptionKey parse(byte[] raw) {
    if (raw.length == BYTES) {
      return of(raw);
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1).strip();
    if (text.length() == 64 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return of(HexFormat.of().parseHex(text));
    }
    if (text.length() == 43 || text.length() == 44) {
      try {
        String url = text.replace('+', '-').replace('/', '_');
        byte[] decoded = Base64.getUrlDecoder().decode(url);
        if (decoded.length == BYTES) {
          return of(decoded);
        }
      } catch (IllegalArgumentException e) {
        // not base64; reported below
      }
    }
    throw new IllegalArgumentException("expected 32 random bytes, as raw bytes, base64 or 64 hex digits"
        + " (e.g. the output of: openssl rand -base64 32)");
  }

  @Override
  public String toString() {
    return "KeyEncryptionKey[id=" + id + ", key=[redacted]]";
  }
}
