package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import eu.panosc.registry.oidfed.FederationKeys;
import eu.panosc.registry.oidfed.KeyStorage;
import eu.panosc.registry.oidfed.KeyStorage.KeyRecord;
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

/**
 * The provider's RS256 keys, for clients registered with {@code tokenSigningAlg: RS256}: RSA 3072, rotated like the
 * ES256 keys ({@link eu.panosc.registry.oidfed.RotatingFederationKeys}, which is EC only): a new key every
 * {@code rotationPeriod}, published from its creation (one period ahead of first use), a replaced key kept
 * published for {@code overlap}. Each JWK carries {@code alg: RS256} and {@code use: sig}. Keys are generated on a
 * worker thread (RSA generation takes a noticeable moment) and stored in their own table, as the EC key store would
 * not read them.
 */
public final class RotatingRsaKeys implements FederationKeys {
  static final int BITS = 3072;

  private final Vertx vertx;
  private final KeyStorage storage;
  private final Clock clock;
  private final Duration rotationPeriod;
  private final Duration overlap;
  private volatile List<Loaded> keys = List.of();

  private record Loaded(KeyRecord record, RSAKey jwk) {}

  private RotatingRsaKeys(Vertx vertx, KeyStorage storage, Clock clock, Duration rotationPeriod, Duration overlap) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.overlap = Objects.requireNonNull(overlap, "overlap");
    if (rotationPeriod.isNegative() || rotationPeriod.isZero() || overlap.isNegative()) {
      throw new IllegalArgumentException("rotationPeriod must be positive and overlap not negative");
    }
  }

  /** Loads the stored keys, then {@link #maintain()}s them; the result is ready to sign. */
  public static Future<RotatingRsaKeys> open(Vertx vertx, KeyStorage storage, Clock clock, Duration rotationPeriod,
      Duration overlap) {
    RotatingRsaKeys k = new RotatingRsaKeys(vertx, storage, clock, rotationPeriod, overlap);
    return k.maintain().map(changed -> k);
  }

  /**
   * Reloads the records, ensures a current and a next key, drops keys retired longer than the overlap and saves when
   * something changed; true when it changed the key set.
   */
  public Future<Boolean> maintain() {
    return storage.load().compose(records -> {
      List<Loaded> loaded = records.stream().map(RotatingRsaKeys::parse)
          .sorted(Comparator.comparing(l -> l.record().activeFrom())).toList();
      Instant now = clock.instant();
      Loaded current = current(loaded, now);
      boolean needNext = current == null
          || loaded.stream().noneMatch(l -> l.record().activeFrom().isAfter(current.record().activeFrom()));
      Future<List<Loaded>> complete = !needNext ? Future.succeededFuture(loaded) : vertx.executeBlocking(() -> {
        List<Loaded> out = new ArrayList<>(loaded);
        Instant currentFrom = now;
        if (current == null) {
          out.add(generate(now));
        } else {
          currentFrom = current.record().activeFrom();
        }
        out.add(generate(currentFrom.plus(rotationPeriod)));
        return out;
      }, false);
      return complete.compose(list -> {
        List<Loaded> kept = list.stream().filter(l -> published(list, l, now)).toList();
        keys = kept;
        boolean changed = needNext || kept.size() != loaded.size();
        return changed ? storage.save(kept.stream().map(Loaded::record).toList()).map(true)
            : Future.succeededFuture(false);
      });
    });
  }

  @Override
  public JWK signingKey() {
    Loaded current = current(keys, clock.instant());
    if (current == null) {
      throw new IllegalStateException("No RSA signing key is active; call maintain() first.");
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

  private boolean published(List<Loaded> list, Loaded key, Instant now) {
    Instant replacedAt = list.stream().map(l -> l.record().activeFrom())
        .filter(t -> t.isAfter(key.record().activeFrom()) && !t.isAfter(now))
        .min(Comparator.naturalOrder()).orElse(null);
    return replacedAt == null || replacedAt.plus(overlap).isAfter(now);
  }

  private static Loaded generate(Instant activeFrom) {
    try {
      RSAKey key = new RSAKeyGenerator(BITS).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint(true).generate();
      return new Loaded(new KeyRecord(key.getKeyID(), key.toJSONString(), activeFrom), key);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate an RSA key", e);
    }
  }

  private static Loaded parse(KeyRecord record) {
    try {
      return new Loaded(record, RSAKey.parse(record.privateJwk()));
    } catch (ParseException e) {
      throw new IllegalStateException("Stored RSA signing key " + record.kid() + " is not an RSA JWK", e);
    }
  }
}
