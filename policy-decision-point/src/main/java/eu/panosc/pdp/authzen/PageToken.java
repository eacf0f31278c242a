package eu.panosc.pdp.authzen;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque search page token: the search kind and the key of the last entry looked at, base64url.
 * Results come in key order, so a page continues exactly after the previous one: nothing is lost or
 * repeated, even while data changes between pages.
 */
record PageToken(char kind, String after) {
  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + after).getBytes(StandardCharsets.UTF_8));
  }

  /** The position in a token from a previous page of {@code kind}; {@code ""} for none. */
  static String decode(String token, char kind) {
    if (token == null || token.isEmpty()) {
      return "";
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw AuthzenException.badRequest("page.token is not a token this PDP issued");
    }
    if (text.length() < 2 || text.charAt(0) != kind || text.charAt(1) != ':') {
      throw AuthzenException.badRequest("page.token belongs to another kind of search");
    }
    return text.substring(2);
  }
}
