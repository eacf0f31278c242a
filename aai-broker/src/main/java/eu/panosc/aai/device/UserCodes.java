package eu.panosc.aai.device;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * User codes of the device flow (RFC 8628 §6.1): 8 characters from 20 consonants (no vowels, so no words; no
 * digits, so nothing to confuse with letters), about 34.6 bits; shown as {@code XXXX-XXXX}; typed in any case,
 * with or without the dash or spaces.
 */
public final class UserCodes {
  /** RFC 8628 §6.1's example alphabet: the base-20 consonants. */
  public static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
  public static final int LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private UserCodes() {}

  /** A new code in its canonical form (8 upper-case consonants, no dash). */
  public static String generate() {
    char[] c = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      c[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    return new String(c);
  }

  /** How the person sees a canonical code: {@code BCDF-GHJK}. */
  public static String display(String canonical) {
    return canonical.substring(0, 4) + "-" + canonical.substring(4);
  }

  /**
   * What the person typed, in canonical form: upper case, without dashes and white space; empty when it cannot
   * be a code (wrong length, other characters).
   */
  public static Optional<String> normalize(String typed) {
    if (typed == null || typed.length() > 32) {
      return Optional.empty();
    }
    String s = typed.replaceAll("[\\s\\-]", "").toUpperCase(Locale.ROOT);
    if (s.length() != LENGTH) {
      return Optional.empty();
    }
    for (char ch : s.toCharArray()) {
      if (ALPHABET.indexOf(ch) < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(s);
  }
}
