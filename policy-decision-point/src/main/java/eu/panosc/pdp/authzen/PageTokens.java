package eu.panosc.pdp.authzen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Search page tokens: opaque, integrity-protected and bound to the request they came from. A token
 * seals the search kind and the key of the last entry looked at with AES-256-GCM under a key every
 * replica shares ({@code authzen_key}); the GCM tag is the MAC. The associated data is the
 * {@linkplain #binding binding} of the request (its kind, caller and every field except the page token),
 * so a token that was forged, altered, or sent with a request differing in anything else (AuthZEN 1.0
 * §Pagination: the PDP SHOULD refuse it) fails to open: a 400. Sealing also hides the position, which
 * may name a dataset the caller may not see.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0, Search APIs, Pagination</a>
 */
public final class PageTokens {
  /** Longest token accepted (a position holds at most 512 characters). */
  static final int MAX_TOKEN = 2048;
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final String INVALID = "page.token is not a token this PDP issued for this request";

  private final SecureRandom random = new SecureRandom();
  private volatile SecretKey key;

  /** Tokens under {@code key} (32 bytes); null until {@link #useKey} when the key is loaded later. */
  public PageTokens(byte[] key) {
    if (key != null) {
      useKey(key);
    }
  }

  /** Sets the key (32 bytes, shared by every replica). */
  public void useKey(byte[] key) {
    if (Objects.requireNonNull(key, "key").length != 32) {
      throw new IllegalArgumentException("the page token key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /**
   * What a token is bound to: a digest of the search {@code kind}, the {@code caller} and the request
   * {@code body} without {@code page.token} (and {@code page.next_token}), with object keys in sorted
   * order so that member order does not matter.
   */
  public static byte[] binding(String kind, String caller, JsonObject body) {
    JsonObject copy = body.copy();
    if (copy.getValue("page") instanceof JsonObject page) {
      page.remove("token");
      page.remove("next_token");
    }
    StringBuilder canonical = new StringBuilder(kind).append('\n').append(caller == null ? "" : caller).append('\n');
    canonical(copy, canonical);
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static void canonical(Object v, StringBuilder out) {
    switch (v) {
      case JsonObject o -> {
        TreeMap<String, Object> sorted = new TreeMap<>(o.getMap());
        out.append('{');
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
          out.append(io.vertx.core.json.Json.encode(e.getKey())).append(':');
          canonical(o.getValue(e.getKey()), out);
          out.append(',');
        }
        out.append('}');
      }
      case JsonArray a -> {
        out.append('[');
        for (int i = 0; i < a.size(); i++) {
          canonical(a.getValue(i), out);
          out.append(',');
        }
        out.append(']');
      }
      case null -> out.append("null");
      default -> out.append(io.vertx.core.json.Json.encode(v));
    }
  }

  /** A token continuing after {@code position} in a search of {@code kind} with this {@code binding}. */
  public String seal(char kind, String position, byte[] binding) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] plain = (kind + position).getBytes(StandardCharsets.UTF_8);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(binding);
      byte[] sealed = c.doFinal(plain);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE + sealed.length).put(VERSION).put(nonce).put(sealed);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The position in {@code token} (from a previous page of a {@code kind} search with the same
   * {@code binding}); {@code ""} for no token. Anything else is an {@link AuthzenException} 400.
   */
  public String open(char kind, String token, byte[] binding) {
    if (token == null || token.isEmpty()) {
      return "";
    }
    if (token.length() > MAX_TOKEN) {
      throw AuthzenException.badRequest(INVALID);
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw AuthzenException.badRequest(INVALID);
    }
    if (raw.length < 1 + NONCE + TAG_BITS / 8 + 1 || raw[0] != VERSION) {
      throw AuthzenException.badRequest(INVALID);
    }
    byte[] plain;
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, raw, 1, NONCE));
      c.updateAAD(binding);
      plain = c.doFinal(raw, 1 + NONCE, raw.length - 1 - NONCE);
    } catch (AEADBadTagException e) {
      throw AuthzenException.badRequest(INVALID);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
    String text = new String(plain, StandardCharsets.UTF_8);
    if (text.isEmpty() || text.charAt(0) != kind) {
      throw AuthzenException.badRequest(INVALID);
    }
    return text.substring(1);
  }

  private SecretKey key() {
    SecretKey k = key;
    if (k == null) {
      throw new IllegalStateException("the page token key is not loaded yet");
    }
    return k;
  }
}
