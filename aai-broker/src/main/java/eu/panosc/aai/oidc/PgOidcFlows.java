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
public final class PgOidcFlows extends PgOneTimeStates<OidcFlow> implements OidcFlows {
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

  public PgOidcFlows(Pool pool, Clock clock, Duration lifetime) {
    super(pool, clock, lifetime, "oidc_flow_state", CODEC);
  }

  @Override
  public Future<Lookup> take(String handle) {
    return takeOnce(handle, Lookup.Found::new, Lookup.Expired::new, Lookup.Replayed::new, Lookup.Missing::new);
  }
}
