package eu.panosc.registry.oidfed;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import eu.panosc.registry.oidfed.KeyStorage.KeyRecord;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Federation Entity Keys that rotate on a schedule: EC P-256 keys, a new one every {@code rotationPeriod}.
 * The next key is published from the moment it is generated (one period ahead of its first use), and a
 * replaced key stays published for {@code overlap} after its successor took over, so statements it signed
 * stay verifiable while caches refresh. {@link #signingKey()} and {@link #publishedKeys()} are pure
 * functions of the loaded records and the clock; {@link #maintain()} generates and drops keys and saves
 * them (call it at start-up and periodically, e.g. hourly).
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-11.2">OpenID Federation 1.0 §11.2, Key Rollover for a Trust Anchor</a>
 */
public final class RotatingFederationKeys implements FederationKeys {
  private final KeyStorage storage;
  private final Clock clock;
  private final Duration rotationPeriod;
  private final Duration overlap;
  private volatile List<Loaded> keys = List.of();

  private record Loaded(KeyRecord record, ECKey jwk) {}

  public RotatingFederationKeys(KeyStorage storage, Clock clock, Duration rotationPeriod, Duration overlap) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.overlap = Objects.requireNonNull(overlap, "overlap");
    if (rotationPeriod.isNegative() || rotationPeriod.isZero() || overlap.isNegative()) {
      throw new IllegalArgumentException("rotationPeriod must be positive and overlap not negative");
    }
  }

  /** Loads the stored keys, then {@link #maintain()}s them; the result is ready to sign. */
  public static Future<RotatingFederationKeys> open(KeyStorage storage, Clock clock, Duration rotationPeriod,
      Duration overlap) {
    RotatingFederationKeys k = new RotatingFederationKeys(storage, clock, rotationPeriod, overlap);
    return k.maintain().map(changed -> k);
  }

  /**
   * Reloads the records, ensures there is a current and a next key, drops keys retired longer than the
   * overlap and saves when something changed. Succeeds with true when it changed the key set.
   */
  public Future<Boolean> maintain() {
    return storage.load().compose(records -> {
      List<Loaded> list = new ArrayList<>(records.stream().map(RotatingFederationKeys::parse)
          .sorted(Comparator.comparing(l -> l.record().activeFrom())).toList());
      Instant now = clock.instant();
      boolean changed = false;
      if (current(list, now) == null) {
        list.add(generate(now));
        changed = true;
      }
      Loaded current = current(list, now);
      if (list.stream().noneMatch(l -> l.record().activeFrom().isAfter(current.record().activeFrom()))) {
        list.add(generate(current.record().activeFrom().plus(rotationPeriod)));
        changed = true;
      }
      List<Loaded> kept = list.stream().filter(l -> published(list, l, now)).toList();
      changed |= kept.size() != list.size();
      keys = kept;
      return changed ? storage.save(kept.stream().map(Loaded::record).toList()).map(true)
          : Future.succeededFuture(false);
    });
  }

  @Override
  public JWK signingKey() {
    Loaded current = current(keys, clock.instant());
    if (current == null) {
      throw new IllegalStateException("No federation key is active; call maintain() first.");
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

  private static Loaded generate(Instant activeFrom) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
      return new Loaded(new KeyRecord(key.getKeyID(), key.toJSONString(), activeFrom), key);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate an EC P-256 key", e);
    }
  }

  private static Loaded parse(KeyRecord record) {
    try {
      return new Loaded(record, ECKey.parse(record.privateJwk()));
    } catch (ParseException e) {
      throw new IllegalStateException("Stored federation key " + record.kid() + " is not an EC JWK", e);
    }
  }
}
