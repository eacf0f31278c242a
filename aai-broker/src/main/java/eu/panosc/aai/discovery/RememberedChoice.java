package eu.panosc.aai.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The remembered choice of identity provider: a cookie holding the chosen upstream's key (base64url, so any key is a
 * valid cookie value), HttpOnly, SameSite=Lax, Secure over https, on the provider's path, kept
 * {@link #MAX_AGE_SECONDS}.
 * What it holds only orders the page (the choice is shown first); it never skips the page or sends anyone anywhere.
 */
public final class RememberedChoice {
  public static final String COOKIE = "panosc_aai_idp";
  /** 90 days. */
  public static final long MAX_AGE_SECONDS = 90L * 24 * 3600;

  private RememberedChoice() {}

  /** The cookie value for {@code key}. */
  public static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The key in a cookie value; null when absent, too long or not ours. */
  public static String decode(String value) {
    if (value == null || value.isEmpty() || value.length() > 2 * DiscoveryPage.MAX_KEY) {
      return null;
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      return eu.panosc.platform.input.Input.isClean(key, DiscoveryPage.MAX_KEY) ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
