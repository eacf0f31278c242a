package eu.panosc.platform.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import eu.panosc.platform.keys.KeyStorage.KeyRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing keys that rotate on a schedule: a new one every {@code rotationPeriod}, of one {@link KeyType}
 * (EC P-256 for federation entity keys and ES256 tokens, RSA 3072 for RS256 tokens). The next key is published from the
 * moment it is generated (one period ahead of its first use), and a replaced key stays published for
 * {@code overlap} after its successor took over, so what it signed stays verifiable while caches refresh.
 * {@link #signingKey()} and {@link #publishedKeys()} are pure functions of the loaded records and the clock;
 * {@link #maintain()} generates and drops keys and saves them (call it at start-up and periodically, e.g. hourly).
 * Slow key types (RSA) are generated on a worker thread.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-11.2">OpenID Federation 1.0 §11.2, Key Rollover for a Trust Anchor</a>
 */
public final class RotatingSigningKeys implements SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(RotatingSigningKeys.class);
  /** How keys of one kind are made and read back. */
  public interface KeyType {
    /** A new private signing key with a thumbprint kid. */
    JWK generate() throws JOSEException;

    /** A stored private key. */
    JWK parse(String json) throws ParseException;

    /** What the keys are, for messages ("EC P-256"). */
    String label();

    /** True when generating takes long enough to belong on a worker thread. */
    boolean slow();
  }

  /** EC P-256 keys (federation entity keys, ES256 tokens). */
  public static final KeyType EC_P256 = new KeyType() {
    @Override
    public JWK generate() throws JOSEException {
      return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
    }

    @Override
    public JWK parse(String json) throws ParseException {
      return ECKey.parse(json);
    }

    @Override
    public String label() {
      return "EC P-256";
    }

    @Override
    public boolean slow() {
      return false;
    }
  };

  /** RSA 3072 keys marked {@code alg: RS256} (for clients that need RS256 tokens). */
  public static final KeyType RSA_3072_RS256 = new KeyType() {
    @Override
    public JWK generate() throws JOSEException {
      return new RSAKeyGenerator(3072).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint(true).generate();
    }

    @Override
    public JWK parse(String json) throws ParseException {
      return RSAKey.parse(json);
    }

    @Override
    public String label() {
      return "RSA 3072";
    }

    @Override
    public boolean slow() {
      return true;
    }
  };

  private final KeyStorage storage;
  private final Clock clock;
  private final Duration rotationPeriod;
  private final Duration overlap;
  private final KeyType type;
  private final Vertx vertx;
  private volatile List<Loaded> keys = List.of();

  private record Loaded(KeyRecord record, JWK jwk) {}

  /** EC P-256 keys, generated in line. */
  public RotatingSigningKeys(KeyStorage storage, Clock clock, Duration rotationPeriod, Duration overlap) {
    this(storage, clock, rotationPeriod, overlap, EC_P256, null);
  }

  /** Keys of {@code type}; {@code vertx} runs the generation of slow types on a worker thread (null: in line). */
  public RotatingSigningKeys(KeyStorage storage, Clock clock, Duration rotationPeriod, Duration overlap,
      KeyType type, Vertx vertx) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.overlap = Objects.requireNonNull(overlap, "overlap");
    this.type = Objects.requireNonNull(type, "type");
    this.vertx = vertx;
    if (rotationPeriod.isNegative() || rotationPeriod.isZero() || overlap.isNegative()) {
      throw new IllegalArgumentException("rotationPeriod must be positive and overlap not negative");
    }
  }

  /** Loads the stored EC keys, then {@link #maintain()}s them; the result is ready to sign. */
  public static Future<RotatingSigningKeys> open(KeyStorage storage, Clock clock, Duration rotationPeriod,
      Duration overlap) {
    return open(storage, clock, rotationPeriod, overlap, EC_P256, null);
  }

  /** Loads the stored keys of {@code type}, then {@link #maintain()}s them; the result is ready to sign. */
  public static Future<RotatingSigningKeys> open(KeyStorage storage, Clock clock, Duration rotationPeriod,
      Duration overlap, KeyType type, Vertx vertx) {
    RotatingSigningKeys k = new RotatingSigningKeys(storage, clock, rotationPeriod, overlap, type, vertx);
    return k.maintain().map(changed -> k);
  }

  /**
   * Reloads the records, ensures there is a current and a next key, drops keys retired longer than the
   * overlap and saves when something changed, all in one {@link KeyStorage#update} (so replicas maintaining at the
   * same instant generate one key, not one each). A stored record that is not a key of this type is logged and
   * left alone, never used; when no stored key is usable, new ones are generated. Succeeds with true when it
   * changed the key set.
   */
  public Future<Boolean> maintain() {
    AtomicBoolean changed = new AtomicBoolean();
    return storage.update(records -> {
      List<KeyRecord> unusable = new ArrayList<>();
      List<Loaded> loaded = new ArrayList<>();
      for (KeyRecord r : records) {
        Loaded l = parse(r);
        if (l == null) {
          unusable.add(r);
        } else {
          loaded.add(l);
        }
      }
      loaded.sort(Comparator.comparing(l -> l.record().activeFrom()));
      Instant now = clock.instant();
      Loaded current = current(loaded, now);
      boolean needNext = current == null
          || loaded.stream().noneMatch(l -> l.record().activeFrom().isAfter(current.record().activeFrom()));
      Callable<List<Loaded>> completion = () -> {
        List<Loaded> out = new ArrayList<>(loaded);
        if (needNext) {
          Instant currentFrom = now;
          if (current == null) {
            out.add(generate(now));
          } else {
            currentFrom = current.record().activeFrom();
          }
          out.add(generate(currentFrom.plus(rotationPeriod)));
        }
        return out;
      };
      Future<List<Loaded>> complete;
      if (needNext && type.slow() && vertx != null) {
        complete = vertx.executeBlocking(completion, false);
      } else {
        try {
          complete = Future.succeededFuture(completion.call());
        } catch (Exception e) {
          complete = Future.failedFuture(e);
        }
      }
      return complete.map(list -> {
        List<Loaded> kept = list.stream().filter(l -> published(list, l, now)).toList();
        changed.set(needNext || kept.size() != loaded.size());
        List<KeyRecord> wanted = new ArrayList<>(kept.stream().map(Loaded::record).toList());
        wanted.addAll(unusable);
        return changed.get() ? wanted : records;
      });
    }).map(stored -> {
      keys = stored.stream().map(this::parse).filter(Objects::nonNull)
          .sorted(Comparator.comparing(l -> l.record().activeFrom())).toList();
      return changed.get();
    });
  }

  /**
   * Reloads the stored keys without changing them: what a replica runs instead of {@link #maintain()} while another
   * replica leads the key rotation (eu.panosc.platform.leader), so it signs with and publishes the keys the leader
   * generated.
   */
  public Future<Void> reload() {
    return storage.load().map(stored -> {
      keys = stored.stream().map(this::parse).filter(Objects::nonNull)
          .sorted(Comparator.comparing(l -> l.record().activeFrom())).toList();
      return null;
    });
  }

  @Override
  public JWK signingKey() {
    Loaded current = current(keys, clock.instant());
    if (current == null) {
      throw new IllegalStateException("No " + type.label() + " key is active; call maintain() first.");
    }
    return current.jwk();
  }

  @Override
  public JWKSet publishedKeys() {
    Instant now = clock.instant();
    List<Loaded> list = keys;
    return new JWKSet(list.stream().filter(l -> published(list, l, now)).map(l -> (JWK) l.jwk().toPublicJWK())
        .toList());
  }

  @Override
  public List<JWK> publishedPrivateKeys() {
    Instant now = clock.instant();
    List<Loaded> list = keys;
    JWK current = signingKey();
    List<JWK> out = new java.util.ArrayList<>();
    out.add(current);
    list.stream().filter(l -> published(list, l, now)).map(Loaded::jwk).filter(k -> !k.equals(current))
        .forEach(out::add);
    return List.copyOf(out);
  }

  /** The latest key whose activation time has come. */
  private static Loaded current(List<Loaded> list, Instant now) {
    Loaded current = null;
    for (Loaded l : list) {
      if (!l.record().activeFrom().isAfter(now)
          && (current == null || l.record().activeFrom().isAfter(current.record().activeFrom()))) {
        current = l;
      }
    }
    return current;
  }

  /** Current, future, or replaced less than {@code overlap} ago. */
  private boolean published(List<Loaded> list, Loaded key, Instant now) {
    Instant replacedAt = list.stream().map(l -> l.record().activeFrom())
        .filter(t -> t.isAfter(key.record().activeFrom()) && !t.isAfter(now))
        .min(Comparator.naturalOrder()).orElse(null);
    return replacedAt == null || replacedAt.plus(overlap).isAfter(now);
  }

  private Loaded generate(Instant activeFrom) {
    try {
      JWK key = type.generate();
      return new Loaded(new KeyRecord(key.getKeyID(), key.toJSONString(), activeFrom), key);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate an " + type.label() + " key", e);
    }
  }

  /** The record as a key of this type, or null (logged) when it is not one. */
  private Loaded parse(KeyRecord record) {
    try {
      JWK jwk = type.parse(record.privateJwk());
      if (!jwk.isPrivate()) {
        throw new ParseException("not a private key", 0);
      }
      return new Loaded(record, jwk);
    } catch (ParseException | RuntimeException e) {
      LOG.warn("stored key {} is not a private {} JWK; it is skipped", record.kid(), type.label());
      return null;
    }
  }
}
