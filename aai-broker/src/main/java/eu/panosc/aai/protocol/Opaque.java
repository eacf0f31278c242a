package eu.panosc.aai.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Opaque random values (codes, refresh tokens, session ids: 256 bits, base64url) and their stored form (SHA-256). */
public final class Opaque {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Opaque() {}

  /** 256 random bits, base64url without padding (43 characters). */
  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b);
  }

  /** Whether {@code value} has the shape of {@link #random()} (worth looking up). */
  public static boolean isRandom(String value) {
    if (value == null || value.length() != 43) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** What is stored instead of the value: base64url(SHA-256(value)). */
  public static String hash(String value) {
    return B64.encodeToString(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** SHA-256 of {@code in}. */
  public static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
  public static String s256(String verifier) {
    return B64.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Constant-time string comparison. */
  public static boolean equal(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
