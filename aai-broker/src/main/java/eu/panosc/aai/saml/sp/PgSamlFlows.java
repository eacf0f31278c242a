package eu.panosc.aai.saml.sp;

import eu.panosc.aai.state.PgOneTimeStates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link SamlFlows} in PostgreSQL ({@code aai.saml_flow_state}, V23; its upstream since V25), shared by every replica. */
public final class PgSamlFlows extends PgOneTimeStates<SamlFlow> implements SamlFlows {
  private static final PgOneTimeStates.Codec<SamlFlow> CODEC = new PgOneTimeStates.Codec<>() {
    @Override
    public List<String> columns() {
      return List.of("request_id", "idp_entity_id", "pending_id", "requested_acr", "upstream_id");
    }

    @Override
    public List<Object> values(SamlFlow flow) {
      return Arrays.asList(flow.requestId(), flow.idpEntityId(), flow.pendingId(), new JsonArray(flow.requestedAcr()),
          flow.upstreamId());
    }

    @Override
    public SamlFlow read(Row row) {
      List<String> requested = new ArrayList<>();
      ((JsonArray) row.getValue(3)).forEach(v -> requested.add(String.valueOf(v)));
      return new SamlFlow(row.getString(0), row.getString(1), row.getString(2), requested, row.getString(4));
    }
  };

  public PgSamlFlows(Pool pool, Clock clock, Duration lifetime) {
    super(pool, clock, lifetime, "saml_flow_state", CODEC);
  }

  @Override
  public Future<Lookup> take(String handle) {
    return takeOnce(handle, Lookup.Found::new, Lookup.Expired::new, Lookup.Replayed::new, Lookup.Missing::new);
  }
}
