package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.broker.BrokerApplication;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.testing.Http;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The resource-broker in demo mode with the real aai-broker, registry and PDP, as under {@code panosc up --demo}: a
 * demo user's token from {@code panosc token --audience <base>/broker}; the broker asks the PDP with its own
 * client-credentials token from the aai-broker (client {@code resource-broker}); sessions run on the local cluster.
 */
class BrokerDemoIT {
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";

  @RegisterExtension
  static final DemoStack STACK = new DemoStack(RegistryApplication::new, AaiApplication::new, PdpApplication::new,
      BrokerApplication::new);
  static String base;

  @BeforeAll
  static void start() {
    base = STACK.base();
  }

  static String token(String user) {
    return Cli.token(base, user, base + "/broker");
  }

  static HttpResponse<String> create(String token, String json) {
    return Http.sendJson("POST", base + "/broker/v1/sessions", token, json);
  }

  @Test
  void sessionWhenMemberThenRunningAndOutsiderRefusedForTheEmbargoedDataset() throws Exception {
    String alice = token("alice");
    // panosc-cli has no facility, so its tokens carry no entitlements: charging a proposal is refused
    HttpResponse<String> charged = create(alice, new JsonObject().put("image", "jupyter").put("flavour", "small")
        .put("datasets", List.of(EMBARGOED)).put("proposal", "esrf:MX-2415").encode());
    assertThat(charged.statusCode()).as(charged.body()).isEqualTo(403);
    assertThat(new JsonObject(charged.body()).getString("resource")).isEqualTo("esrf:MX-2415");
    String body = new JsonObject().put("image", "jupyter").put("flavour", "small")
        .put("datasets", List.of(EMBARGOED)).encode();
    HttpResponse<String> created = create(alice, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    JsonObject session = new JsonObject(created.body());
    assertThat(session.getJsonObject("placement").getString("cluster")).isEqualTo("local");
    String id = session.getString("id");
    long end = System.nanoTime() + 20_000_000_000L;
    JsonObject now = session;
    while (!"RUNNING".equals(now.getString("state")) && System.nanoTime() < end) {
      Thread.sleep(100);
      now = new JsonObject(Http.getAuthorized(base + "/broker/v1/sessions/" + id, alice).body());
    }
    assertThat(now.getString("state")).as(now.encode()).isEqualTo("RUNNING");
    assertThat(Http.getAuthorized(now.getString("url"), session.getString("accessSecret")).body()).contains(EMBARGOED);
    assertThat(new JsonObject(Http.sendJson("DELETE", base + "/broker/v1/sessions/" + id, alice, null).body())
        .getString("state")).isEqualTo("STOPPED");

    HttpResponse<String> refused = create(token("dave"), new JsonObject().put("image", "jupyter")
        .put("flavour", "small").put("datasets", List.of(EMBARGOED)).encode());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getString("resource")).isEqualTo(EMBARGOED);
  }
}
