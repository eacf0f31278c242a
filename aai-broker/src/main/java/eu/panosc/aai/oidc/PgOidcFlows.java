package eu.panosc.aai.oidc;

import eu.panosc.aai.state.PgOneTimeStates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** {@link OidcFlows} in PostgreSQL ({@code aai.oidc_flow_state}, V29: the flow as JSON), shared by every replica. */
public final class PgOidcFlows implements OidcFlows {
  private static final PgOneTimeStates.Codec<OidcFlow> CODEC = new PgOneTimeStates.Codec<>() {
    @Override
    public List<String> columns() {
      return List.of("flow");
    }

    @Override
    public List<Object> values(OidcFlow flow) {
      return List.of(flow.toJson());
    }

    @Override
    public OidcFlow read(Row row) {
      return OidcFlow.fromJson((JsonObject) row.getValue(0));
    }
  };

  private final PgOneTimeStates<OidcFlow> states;

  public PgOidcFlows(Pool pool, Clock clock, Duration lifetime) {
    this.states = new PgOneTimeStates<>(pool, clock, lifetime, "oidc_flow_state", CODEC);
  }

  @Override
  public Duration lifetime() {
    return states.lifetime();
  }

  @Override
  public Future<String> start(OidcFlow flow) {
    return states.start(flow);
  }

  @Override
  public Future<Lookup> take(String handle) {
    return states.take(handle).map(t -> switch (t.status()) {
      case FOUND -> new Lookup.Found(t.state());
      case EXPIRED -> new Lookup.Expired();
      case REPLAYED -> new Lookup.Replayed();
      case MISSING -> new Lookup.Missing();
    });
  }

  @Override
  public Future<Void> purgeExpired() {
    return states.purgeExpired();
  }
}
