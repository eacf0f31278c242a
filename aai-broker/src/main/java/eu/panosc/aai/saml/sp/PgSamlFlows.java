package eu.panosc.aai.saml.sp;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link SamlFlows} in PostgreSQL ({@code aai.saml_flow_state}, V23; its upstream since V25), shared by every replica. */
public final class PgSamlFlows implements SamlFlows {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgSamlFlows(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<String> start(SamlFlow flow) {
    Objects.requireNonNull(flow, "flow");
    String handle = Opaque.random();
    OffsetDateTime expires = clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO saml_flow_state (handle_hash, request_id, idp_entity_id, pending_id,"
            + " requested_acr, expires_at, upstream_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(Opaque.hash(handle), flow.requestId(), flow.idpEntityId(), flow.pendingId(),
            new JsonArray(flow.requestedAcr()), expires, flow.upstreamId()))
        .map(rows -> handle);
  }

  @Override
  public Future<Lookup> take(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(new Lookup.Missing());
    }
    String hash = Opaque.hash(handle);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("UPDATE saml_flow_state SET consumed_at = $2 WHERE handle_hash = $1"
            + " AND consumed_at IS NULL AND expires_at > $2"
            + " RETURNING request_id, idp_entity_id, pending_id, requested_acr, upstream_id")
        .execute(Tuple.of(hash, now))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(found(rows.iterator().next()));
          }
          return pool.preparedQuery("SELECT consumed_at IS NOT NULL FROM saml_flow_state WHERE handle_hash = $1")
              .execute(Tuple.of(hash))
              .map(r -> {
                if (r.size() == 0) {
                  return new Lookup.Missing();
                }
                return r.iterator().next().getBoolean(0) ? new Lookup.Replayed() : new Lookup.Expired();
              });
        });
  }

  private static Lookup found(Row row) {
    JsonArray acr = (JsonArray) row.getValue(3);
    List<String> requested = new ArrayList<>();
    acr.forEach(v -> requested.add(String.valueOf(v)));
    return new Lookup.Found(new SamlFlow(row.getString(0), row.getString(1), row.getString(2), requested,
        row.getString(4)));
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM saml_flow_state WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().minus(lifetime).atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
