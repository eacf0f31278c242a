package eu.panosc.aai.attributes.process;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The digests SATOSA's hashers may name (Python {@code hashlib} names), computed as SATOSA's {@code hash_data}
 * does: lower-case hex of {@code H(UTF-8(value) || UTF-8(salt))}. MD5 is not offered; SHA-1 only because
 * SATOSA's own example names it (a start-up warning says so).
 */
public enum HashAlgorithm {
  SHA1("sha1", "SHA-1"),
  SHA224("sha224", "SHA-224"),
  SHA256("sha256", "SHA-256"),
  SHA384("sha384", "SHA-384"),
  SHA512("sha512", "SHA-512"),
  SHA3_256("sha3_256", "SHA3-256"),
  SHA3_512("sha3_512", "SHA3-512");

  private final String pythonName;
  private final String jcaName;

  HashAlgorithm(String pythonName, String jcaName) {
    this.pythonName = pythonName;
    this.jcaName = jcaName;
  }

  /** The algorithm called {@code name} in Python's hashlib (case-insensitive, {@code -} or {@code _}). */
  public static Optional<HashAlgorithm> byName(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
    for (HashAlgorithm a : values()) {
      if (a.pythonName.equals(n)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The names accepted, for error messages. */
  public static List<String> names() {
    return java.util.Arrays.stream(values()).map(a -> a.pythonName).toList();
  }

  public String pythonName() {
    return pythonName;
  }

  /** Lower-case hex of the digest of {@code value} followed by the salt. */
  public String hash(String value, Salt salt) {
    try {
      MessageDigest md = MessageDigest.getInstance(jcaName);
      md.update(value.getBytes(StandardCharsets.UTF_8));
      md.update(salt.bytes());
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " is part of every JDK", e);
    }
  }
}
