package eu.panosc.aai.register;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Storable;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.EnvelopeException;
import eu.panosc.platform.input.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PendingRegistrations} in PostgreSQL ({@code aai.pending_registration}, V27), shared by every replica. An
 * upstream OP's ID token in what the upstream hands over ({@code upstream.id_token}) is sealed at rest
 * ({@link EnvelopeEncryption}, associated data {@code aai.pending_registration/<handle hash>}); a row written before
 * that (plaintext) is still read, and one that does not open reads as no registration (the person starts again), with
 * a warning.
 */
public final class PgPendingRegistrations implements PendingRegistrations {
  private static final Logger LOG = LoggerFactory.getLogger(PgPendingRegistrations.class);
  /** The field of {@code upstream} holding an OP's ID token (what an OIDC login hands over). */
  static final String ID_TOKEN = "id_token";
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;
  private final EnvelopeEncryption envelopes;

  public PgPendingRegistrations(Pool pool, Clock clock, Duration lifetime, EnvelopeEncryption envelopes) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
  }

  /** The associated data of the ID token sealed in the row {@code handleHash}. */
  static String context(String handleHash) {
    return "aai.pending_registration/" + handleHash;
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  /** Fails with {@code InvalidInputException} for what cannot be stored (both stores refuse the same). */
  static Future<Void> checked(PendingRegistration r) {
    try {
      Input.id("pendingId", r.pendingId(), 256);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Storable.checked("registration", new JsonObject()
        .put("identity", PendingRegistration.toJson(r.identity())).put("upstream", r.upstream())).mapEmpty();
  }

  @Override
  public Future<String> save(PendingRegistration r) {
    String handle = Opaque.random();
    String hash = Opaque.hash(handle);
    return checked(r).compose(ok -> pool.preparedQuery("INSERT INTO pending_registration (handle_hash, pending_id,"
            + " identity, upstream, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.from(java.util.Arrays.asList(hash, r.pendingId(),
            PendingRegistration.toJson(r.identity()), sealed(r.upstream(), hash),
            clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC)))))
        .map(v -> handle);
  }

  private JsonObject sealed(JsonObject upstream, String hash) {
    if (upstream == null || !(upstream.getValue(ID_TOKEN) instanceof String token)) {
      return upstream;
    }
    return upstream.copy().put(ID_TOKEN, envelopes.sealText(token, context(hash)));
  }

  /** {@code upstream} with its ID token opened (plaintext, from before sealing, as it is); throws when it does not. */
  private JsonObject opened(JsonObject upstream, String hash) {
    if (upstream == null || !(upstream.getValue(ID_TOKEN) instanceof String stored)
        || !EnvelopeEncryption.isEnvelope(stored)) {
      return upstream;
    }
    return upstream.copy().put(ID_TOKEN, envelopes.openText(stored, context(hash)));
  }

  @Override
  public Future<Optional<PendingRegistration>> find(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = Opaque.hash(handle);
    return pool.preparedQuery("SELECT pending_id, identity, upstream FROM pending_registration WHERE handle_hash = $1"
            + " AND expires_at > $2")
        .execute(Tuple.of(hash, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> first(rows, hash));
  }

  @Override
  public Future<Optional<PendingRegistration>> take(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = Opaque.hash(handle);
    return pool.preparedQuery("DELETE FROM pending_registration WHERE handle_hash = $1 AND expires_at > $2"
            + " RETURNING pending_id, identity, upstream")
        .execute(Tuple.of(hash, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> first(rows, hash));
  }

  private Optional<PendingRegistration> first(RowSet<Row> rows, String hash) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    JsonObject upstream;
    try {
      upstream = opened((JsonObject) r.getValue(2), hash);
    } catch (EnvelopeException e) {
      LOG.warn("a pending registration's upstream ID token does not open ({}); it reads as none", e.reason());
      return Optional.empty();
    }
    return Optional.of(new PendingRegistration(r.getString(0),
        PendingRegistration.identityOf((JsonObject) r.getValue(1)), upstream));
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM pending_registration WHERE expires_at <= $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
