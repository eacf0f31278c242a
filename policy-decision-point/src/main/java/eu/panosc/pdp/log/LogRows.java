package eu.panosc.pdp.log;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns queued entries into rows, masking personal data per configuration: {@code subject.id} kept,
 * replaced by {@code hmac:<hex>} (HMAC-SHA256 under the key stored in {@code decision_log_key}, so the
 * same user always maps to the same value and an administrator can search with the clear id), or
 * dropped; and every configured property path removed from the stored request. Not thread-safe (one
 * {@link Hmac} and its cache); used by the writer on its own context.
 */
public final class LogRows {
  static final String HASH_PREFIX = "hmac:";
  /** The stored request of the common case (no properties, no context): not encoded per row. */
  private static final String EMPTY = "{}";

  /**
   * One row of {@code decision_log}; {@code request} and {@code result} are JSON text. {@code subjectFilter} is the
   * {@link PageBloom} hashes of {@code subjectId} as stored, when known (remembered with the pseudonym), else null
   * and the page computes them.
   */
  public record Row(UUID id, OffsetDateTime at, String kind, Integer item, String caller, String requestId,
      String subjectType, String subjectId, String resourceType, String resourceId, String action, String request,
      Boolean decision, String policy, Integer policyVersion, String rule, String relation, Integer errorStatus,
      String errorMessage, String result, boolean simulated, PageBloom.Hashes subjectFilter) {

    /** A row whose subject's filter hashes the page computes. */
    public Row(UUID id, OffsetDateTime at, String kind, Integer item, String caller, String requestId,
        String subjectType, String subjectId, String resourceType, String resourceId, String action, String request,
        Boolean decision, String policy, Integer policyVersion, String rule, String relation, Integer errorStatus,
        String errorMessage, String result, boolean simulated) {
      this(id, at, kind, item, caller, requestId, subjectType, subjectId, resourceType, resourceId, action, request,
          decision, policy, policyVersion, rule, relation, errorStatus, errorMessage, result, simulated, null);
    }
  }

  /** A subject id as stored (its pseudonym, or the clear id) and the {@link PageBloom} hashes of that value. */
  record Stored(String value, PageBloom.Hashes filter) {}

  private final DecisionLogSettings.SubjectMasking subjects;
  private final List<String[]> masks;
  private final Hmac mac;
  /**
   * Subjects whose stored value (pseudonym) and its filter hashes are remembered: a facility's active users for a
   * while. Two generations of {@value #HASHES_REMEMBERED} each: a subject is looked up in the recent one, then in the
   * older one (and copied to the recent one); when the recent one is full it becomes the older one and the oldest
   * generation is let go. So the last {@value #HASHES_REMEMBERED} subjects are always remembered (at most twice as
   * many, ~250 bytes each: ≤ ~16 MB), and a lookup only reads the map, where the access-ordered map used before
   * relinked its entries on every hit (cold memory, a quarter of the writer's samples in JFR). At 4 096 a load of
   * 20 000 distinct users missed four times in five (docs/benchmarks.md).
   */
  static final int HASHES_REMEMBERED = 32_768;
  private Map<String, Stored> recent = new HashMap<>(HASHES_REMEMBERED * 2);
  private Map<String, Stored> older = Map.of();
  private final MessageDigest md5 = PageBloom.md5();

  public LogRows(DecisionLogSettings settings, byte[] key) {
    this.subjects = settings.maskSubjects();
    this.masks = settings.maskProperties().stream().map(p -> p.split("\\.")).toList();
    this.mac = new Hmac(Objects.requireNonNull(key, "key"));
  }

  /**
   * {@code hmac:<hex>} of a clear subject id: what {@code hash} mode stores. The most recent
   * {@value #HASHES_REMEMBERED} subjects' values are remembered (the same users decide again and again).
   */
  public String hash(String clearId) {
    return stored(clearId, true).value();
  }

  /** The remembered stored value of a subject ({@code hmac:<hex>} when {@code hash}, else the id) with its hashes. */
  private Stored stored(String clearId, boolean hash) {
    Stored known = recent.get(clearId);
    if (known == null) {
      known = older.get(clearId);
      if (known == null) {
        String value = hash ? mac.pseudonym(clearId) : clearId;
        known = new Stored(value, PageBloom.hashes(md5, value));
      }
      if (recent.size() >= HASHES_REMEMBERED) {
        older = recent;
        recent = new HashMap<>(HASHES_REMEMBERED * 2);
      }
      recent.put(clearId, known);
    }
    return known;
  }

  /**
   * HMAC-SHA256 (RFC 2104) with the key's two padded blocks hashed once, at construction: each value then costs two
   * SHA-256 compressions (its inner and outer hash) instead of four, plus two copies of a digest's state.
   */
  static final class Hmac {
    private static final int BLOCK = 64;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final MessageDigest inner;
    private final MessageDigest outer;

    Hmac(byte[] key) {
      MessageDigest sha = sha256();
      byte[] k = key.length > BLOCK ? sha.digest(key) : key;
      byte[] ipad = new byte[BLOCK];
      byte[] opad = new byte[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < k.length ? k[i] : 0;
        ipad[i] = (byte) (b ^ 0x36);
        opad[i] = (byte) (b ^ 0x5c);
      }
      inner = sha256();
      inner.update(ipad);
      outer = sha256();
      outer.update(opad);
    }

    /** {@code hmac:<hex>} of the UTF-8 bytes of {@code clearId}. */
    String pseudonym(String clearId) {
      byte[] mac;
      try {
        MessageDigest i = (MessageDigest) inner.clone();
        MessageDigest o = (MessageDigest) outer.clone();
        o.update(i.digest(clearId.getBytes(StandardCharsets.UTF_8)));
        mac = o.digest();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digests cannot be copied", e);
      }
      byte[] out = new byte[HASH_PREFIX.length() + 2 * mac.length];
      for (int i = 0; i < HASH_PREFIX.length(); i++) {
        out[i] = (byte) HASH_PREFIX.charAt(i);
      }
      for (int i = 0, at = HASH_PREFIX.length(); i < mac.length; i++) {
        out[at++] = HEX[(mac[i] >> 4) & 0xF];
        out[at++] = HEX[mac[i] & 0xF];
      }
      return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }
  }

  /** The same as {@link #hash(String)}, for callers on other threads (a {@link Mac} of their own). */
  public static String hash(byte[] key, String clearId) {
    return hash(mac(key), clearId);
  }

  private static String hash(Mac mac, String clearId) {
    return HASH_PREFIX + HexFormat.of().formatHex(mac.doFinal(clearId.getBytes(StandardCharsets.UTF_8)));
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Objects.requireNonNull(key, "key"), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  public Row row(LogEntry e) {
    AccessRequest r = e.request();
    String subjectType = null;
    String subjectId = null;
    PageBloom.Hashes subjectFilter = null;
    String resourceType = null;
    String resourceId = null;
    String action = null;
    // most requests carry no properties and no context: nothing to build or mask, the stored request is {}
    JsonObject request = r == null || r.subject().properties().isEmpty() && r.resource().properties().isEmpty()
        && r.actionProperties().isEmpty() && r.context().isEmpty() ? null : new JsonObject();
    if (r != null) {
      subjectType = r.subject().type();
      Stored stored = r.subject().id() == null ? null : switch (subjects) {
        case NONE -> stored(r.subject().id(), false);
        case HASH -> stored(r.subject().id(), true);
        case DROP -> null;
      };
      subjectId = stored == null ? null : stored.value();
      subjectFilter = stored == null ? null : stored.filter();
      resourceType = r.resource().type();
      resourceId = r.resource().id();
      action = r.action().isEmpty() ? null : r.action();
      if (request != null) {
        putProperties(request, "subject", r.subject().properties());
        putProperties(request, "resource", r.resource().properties());
        putProperties(request, "action", r.actionProperties());
        if (!r.context().isEmpty()) {
          request.put("context", json(r.context()));
        }
        for (String[] path : masks) {
          remove(request, path, 0);
        }
      }
    }
    Decision d = e.decision();
    String policy = null;
    Integer version = null;
    if (d != null && d.policy() != null) {
      Policy p = policy(d.policy());
      policy = p.name();
      version = p.version();
    }
    String result = e.search() == null ? null
        : new JsonObject().put("count", e.search().count()).put("more", e.search().more()).encode();
    return new Row(e.id(), e.at().atOffset(ZoneOffset.UTC), e.kind(), e.item(), e.caller(), e.requestId(),
        subjectType, subjectId, resourceType, resourceId, action, request == null || request.isEmpty() ? EMPTY : request.encode(),
        d == null ? null : d.permit(), policy, version, d == null ? null : d.rule(), d == null ? null : d.relation(),
        d == null || !d.failed() ? null : d.errorStatus(), d == null || !d.failed() ? null : d.errorMessage(), result,
        e.simulated(), subjectFilter);
  }

  /** A decision's {@code name@vN} split into name and version (version null when it has none). */
  record Policy(String name, Integer version) {}

  /** The last policy split: nearly every decision names the same one or two policies. */
  private String lastPolicyText;
  private Policy lastPolicy;

  private Policy policy(String text) {
    if (!text.equals(lastPolicyText)) {
      int at = text.lastIndexOf("@v");
      Policy p = new Policy(text, null);
      if (at > 0) {
        try {
          p = new Policy(text.substring(0, at), Integer.valueOf(text.substring(at + 2)));
        } catch (NumberFormatException ex) {
          // not a version: the whole text is the name
        }
      }
      lastPolicyText = text;
      lastPolicy = p;
    }
    return lastPolicy;
  }

  private static void putProperties(JsonObject request, String what, Map<String, Object> properties) {
    if (!properties.isEmpty()) {
      request.put(what, new JsonObject().put("properties", json(properties)));
    }
  }

  /** Removes the value at {@code path}; an object left empty by it is removed too. */
  private static void remove(JsonObject o, String[] path, int i) {
    if (i == path.length - 1) {
      o.remove(path[i]);
      return;
    }
    if (o.getValue(path[i]) instanceof JsonObject child) {
      remove(child, path, i + 1);
      if (child.isEmpty()) {
        o.remove(path[i]);
      }
    }
  }

  /** CEL values (Long, Double, String, Boolean, List, Map, Instant) back to JSON. */
  static JsonObject json(Map<String, Object> map) {
    JsonObject o = new JsonObject();
    map.forEach((k, v) -> o.put(k, jsonValue(v)));
    return o;
  }

  private static Object jsonValue(Object v) {
    return switch (v) {
      case null -> null;
      case Map<?, ?> m -> {
        JsonObject o = new JsonObject();
        m.forEach((k, x) -> o.put(String.valueOf(k), jsonValue(x)));
        yield o;
      }
      case List<?> l -> {
        JsonArray a = new JsonArray();
        l.forEach(x -> a.add(jsonValue(x)));
        yield a;
      }
      case Instant t -> t.toString();
      case String s -> s;
      case Number n -> n;
      case Boolean b -> b;
      default -> String.valueOf(v);
    };
  }
}
