package eu.panosc.broker.proxy;

import eu.panosc.broker.model.Caller;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proxy's browser cookie: who (user id, client, canonical id), for which session, until when; HMAC-SHA256
 * signed with a key every replica shares (the store's), so it cannot be forged or moved to another session. It
 * holds no secret of the session and no token; it is set HttpOnly, {@code SameSite=Lax}, {@code Secure} on https,
 * with the session's proxy path as its {@code Path}, so a browser sends it to that session only.
 */
public final class LaunchCookies {
  public static final String NAME = "panosc_broker_access";
  public static final Duration LIFETIME = Duration.ofHours(1);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Clock clock;

  public LaunchCookies(byte[] key, Clock clock) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the cookie key must have at least 256 bits");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The cookie value for {@code caller} reaching {@code sessionId}, valid for {@link #LIFETIME}. */
  public String issue(Caller caller, String sessionId) {
    JsonObject o = new JsonObject().put("s", sessionId).put("u", caller.user())
        .put("exp", clock.instant().plus(LIFETIME).getEpochSecond());
    caller.client().ifPresent(c -> o.put("c", c));
    caller.canonical().ifPresent(c -> o.put("v", c));
    String payload = B64.encodeToString(o.encode().getBytes(StandardCharsets.UTF_8));
    return payload + "." + B64.encodeToString(mac(payload));
  }

  /** The caller a cookie value speaks for, if it is well signed, unexpired and for {@code sessionId}. */
  public Optional<Caller> read(String value, String sessionId) {
    if (value == null || value.length() > 4096) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot < 1) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    try {
      if (!MessageDigest.isEqual(mac(payload), D64.decode(value.substring(dot + 1)))) {
        return Optional.empty();
      }
      JsonObject o = new JsonObject(new String(D64.decode(payload), StandardCharsets.UTF_8));
      if (!sessionId.equals(o.getString("s")) || o.getString("u") == null
          || !clock.instant().isBefore(Instant.ofEpochSecond(o.getLong("exp", 0L)))) {
        return Optional.empty();
      }
      return Optional.of(new Caller(o.getString("u"), false, false, Set.of(), Set.of(),
          Optional.ofNullable(o.getString("c")), Optional.ofNullable(o.getString("v"))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
