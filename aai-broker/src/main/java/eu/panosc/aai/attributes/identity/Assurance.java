package eu.panosc.aai.attributes.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * eduPersonAssurance values (REFEDS Assurance Framework, e.g. {@code https://refeds.org/assurance/IAP/medium},
 * profiles {@code https://refeds.org/assurance/profile/cappuccino}): absolute URIs, kept apart from {@code acr}
 * (how strongly the person authenticated), which comes from the authentication context only.
 *
 * @see <a href="https://refeds.org/assurance">REFEDS Assurance Framework</a>
 */
public final class Assurance {
  /** The longest value accepted. */
  public static final int MAX_LENGTH = 512;

  private Assurance() {}

  /** The values that are absolute URIs, in order, without duplicates; the others are dropped. */
  public static List<String> filter(List<String> values) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : values) {
      if (v != null && v.length() <= MAX_LENGTH && isAbsoluteUri(v)) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  private static boolean isAbsoluteUri(String v) {
    try {
      URI uri = new URI(v);
      return uri.isAbsolute() && !v.isBlank() && v.chars().noneMatch(Character::isWhitespace);
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
