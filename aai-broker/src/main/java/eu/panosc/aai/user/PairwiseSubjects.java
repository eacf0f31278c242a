package eu.panosc.aai.user;

import eu.panosc.aai.registry.RegisteredClient;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pairwise subject identifiers (OIDC Core §8.1): {@code base64url(HMAC-SHA256(key, sector "|" userId))}.
 * The sector is the client's facility, or the client id for clients without one; so a user has one
 * stable {@code sub} per facility, and two facilities cannot link their users. The key is generated once
 * and kept in {@code aai.provider_secret}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#PairwiseAlg">OIDC Core §8.1</a>
 */
public final class PairwiseSubjects {
  static final String KEY_NAME = "pairwise-subject-hmac";

  private final SecretKeySpec key;
  private final Pool pool;
  /** At most this many entries in each of the two memories below; when full, a memory starts afresh. */
  static final int MAX_REMEMBERED = 100_000;
  /** {@code sector|sub} already written to the table (a pairwise id never changes, so neither does this). */
  private final java.util.Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** {@code sector|sub} → user for ids already resolved: the table is append-only, so an answer stays true. */
  private final java.util.Map<String, String> resolved = new java.util.concurrent.ConcurrentHashMap<>();

  PairwiseSubjects(byte[] key, Pool pool) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.pool = pool;
  }

  /** Loads the key, creating it on first start (every replica then reads the same one). */
  public static Future<PairwiseSubjects> open(Pool pool, Clock clock) {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    return pool.preparedQuery("INSERT INTO provider_secret (name, value, created_at) VALUES ($1, $2, $3)"
            + " ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(KEY_NAME, io.vertx.core.buffer.Buffer.buffer(fresh), clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(v -> pool.preparedQuery("SELECT value FROM provider_secret WHERE name = $1").execute(Tuple.of(KEY_NAME)))
        .map(rows -> new PairwiseSubjects(rows.iterator().next().getBuffer(0).getBytes(), pool));
  }

  /** The sector of a registered client: its facility, else its client id. */
  public static String sectorOf(RegisteredClient client) {
    String facility = client.facility();
    return facility != null ? "facility:" + facility : "client:" + client.clientId();
  }

  /**
   * The user's {@code sub} in {@code sector}, remembered in {@code aai.pairwise_subject} so that it can be
   * resolved back ({@link #resolve}); written once per sector and user.
   */
  public Future<String> record(String sector, String userId) {
    String sub = subject(sector, userId);
    if (recorded.size() >= MAX_REMEMBERED) {
      recorded.clear();
    }
    if (pool == null || !recorded.add(sector + "|" + sub)) {
      return Future.succeededFuture(sub);
    }
    return pool.preparedQuery("INSERT INTO pairwise_subject (sector, sub, user_id) VALUES ($1, $2, $3)"
            + " ON CONFLICT (sector, sub) DO NOTHING")
        .execute(Tuple.of(sector, sub, userId))
        .onFailure(e -> recorded.remove(sector + "|" + sub))
        .map(sub);
  }

  /** The canonical user behind {@code sub} in {@code sector}, if this provider issued it. */
  public Future<java.util.Optional<String>> resolve(String sector, String sub) {
    String known = resolved.get(sector + "|" + sub);
    if (known != null) {
      return Future.succeededFuture(java.util.Optional.of(known));
    }
    return pool.preparedQuery("SELECT user_id FROM pairwise_subject WHERE sector = $1 AND sub = $2")
        .execute(Tuple.of(sector, sub))
        .map(rows -> {
          if (rows.size() == 0) {
            return java.util.Optional.<String>empty();  // not remembered: it may be recorded later
          }
          String user = rows.iterator().next().getString(0);
          if (resolved.size() >= MAX_REMEMBERED) {
            resolved.clear();
          }
          resolved.put(sector + "|" + sub, user);
          return java.util.Optional.of(user);
        });
  }

  public String subject(String sector, String userId) {
    Objects.requireNonNull(sector, "sector");
    Objects.requireNonNull(userId, "userId");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] out = mac.doFinal((sector + "|" + userId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
