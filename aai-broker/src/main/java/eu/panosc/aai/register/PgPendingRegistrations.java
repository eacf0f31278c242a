package eu.panosc.aai.register;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Storable;
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

/** {@link PendingRegistrations} in PostgreSQL ({@code aai.pending_registration}, V27), shared by every replica. */
public final class PgPendingRegistrations implements PendingRegistrations {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgPendingRegistrations(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
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
    return checked(r).compose(ok -> pool.preparedQuery("INSERT INTO pending_registration (handle_hash, pending_id,"
            + " identity, upstream, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.from(java.util.Arrays.asList(Opaque.hash(handle), r.pendingId(),
            PendingRegistration.toJson(r.identity()), r.upstream(),
            clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC)))))
        .map(v -> handle);
  }

  @Override
  public Future<Optional<PendingRegistration>> find(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT pending_id, identity, upstream FROM pending_registration WHERE handle_hash = $1"
            + " AND expires_at > $2")
        .execute(Tuple.of(Opaque.hash(handle), clock.instant().atOffset(ZoneOffset.UTC)))
        .map(PgPendingRegistrations::first);
  }

  @Override
  public Future<Optional<PendingRegistration>> take(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("DELETE FROM pending_registration WHERE handle_hash = $1 AND expires_at > $2"
            + " RETURNING pending_id, identity, upstream")
        .execute(Tuple.of(Opaque.hash(handle), clock.instant().atOffset(ZoneOffset.UTC)))
        .map(PgPendingRegistrations::first);
  }

  private static Optional<PendingRegistration> first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(new PendingRegistration(r.getString(0),
        PendingRegistration.identityOf((JsonObject) r.getValue(1)), (JsonObject) r.getValue(2)));
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM pending_registration WHERE expires_at <= $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
