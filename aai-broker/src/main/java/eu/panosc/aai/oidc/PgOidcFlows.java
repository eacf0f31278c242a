package eu.panosc.aai.oidc;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/** {@link OidcFlows} in PostgreSQL ({@code aai.oidc_flow_state}, V29), shared by every replica. */
public final class PgOidcFlows implements OidcFlows {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgOidcFlows(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<String> start(OidcFlow flow) {
    Objects.requireNonNull(flow, "flow");
    String handle = Opaque.random();
    return pool.preparedQuery("INSERT INTO oidc_flow_state (handle_hash, flow, expires_at) VALUES ($1, $2, $3)")
        .execute(Tuple.of(Opaque.hash(handle), flow.toJson(), clock.instant().plus(lifetime)
            .atOffset(ZoneOffset.UTC)))
        .map(rows -> handle);
  }

  @Override
  public Future<Lookup> take(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(new Lookup.Missing());
    }
    String hash = Opaque.hash(handle);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("UPDATE oidc_flow_state SET consumed_at = $2 WHERE handle_hash = $1"
            + " AND consumed_at IS NULL AND expires_at > $2 RETURNING flow")
        .execute(Tuple.of(hash, now))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture((Lookup) new Lookup.Found(OidcFlow.fromJson((JsonObject) rows.iterator()
                .next().getValue(0))));
          }
          return pool.preparedQuery("SELECT consumed_at IS NOT NULL FROM oidc_flow_state WHERE handle_hash = $1")
              .execute(Tuple.of(hash))
              .map(r -> r.size() == 0 ? new Lookup.Missing()
                  : r.iterator().next().getBoolean(0) ? new Lookup.Replayed() : new Lookup.Expired());
        });
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM oidc_flow_state WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().minus(lifetime).atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
