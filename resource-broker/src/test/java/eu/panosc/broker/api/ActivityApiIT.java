package eu.panosc.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.BrokerPlatform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activity reports and warnings through the API (demo mode, real PDP, local process driver; see
 * {@link BrokerPlatform}): a session reports with its access secret; a missing or wrong secret, a user token, bad
 * fields and a stopped session are refused as problem+json; with a user lifetime of 30 h the culler (in the
 * reconciler's pass) puts a lifetime warning into the session's JSON at once.
 */
class ActivityApiIT {
  static final String ALICE = "alice@demo.panosc.eu";
  @RegisterExtension
  static final BrokerPlatform broker = BrokerPlatform.forClass(Map.of("services.broker.limits.user.lifetime", "30h"));

  static HttpResponse<String> report(String id, String secret, String json) {
    return Http.sendJson("POST", broker.base() + "/v1/sessions/" + id + "/activity", secret, json);
  }

  @Test
  void activityWhenReportedWithTheSessionSecretThenAcceptedAndRefusalsAreProblems() throws Exception {
    String token = broker.token(ALICE);
    HttpResponse<String> created = broker.post("/v1/sessions", token,
        new JsonObject().put("image", "jupyter").put("flavour", "small").put("datasets", new JsonArray()).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = new JsonObject(created.body()).getString("id");
    String secret = new JsonObject(created.body()).getString("accessSecret");
    JsonObject running = BrokerApiIT.awaitStateOn(broker, id, token, "RUNNING");

    // the lifetime (30 h) ends within 48 h: warned at the next pass
    long end = System.nanoTime() + 20_000_000_000L;
    JsonObject s = running;
    while (!s.containsKey("warnings") && System.nanoTime() < end) {
      Thread.sleep(100);
      s = new JsonObject(broker.get("/v1/sessions/" + id, token).body());
    }
    JsonObject warning = s.getJsonArray("warnings").getJsonObject(0);
    assertThat(warning.getString("kind")).isEqualTo("lifetime-warning");
    assertThat(warning.getString("due")).isEqualTo(s.getString("expiresAt"));
    assertThat(warning.getString("message")).contains("less than 48 h");

    String ok = "{\"kernel\":{\"lastActivity\":\"2026-01-01T00:00:00Z\",\"busy\":true},"
        + "\"desktop\":{\"lastInput\":\"2026-01-01T00:00:00Z\"},\"gpu\":{\"utilisation\":37}}";
    assertThat(report(id, secret, ok).statusCode()).isEqualTo(204);
    assertThat(report(id, secret, "{}").statusCode()).isEqualTo(204);

    HttpResponse<String> wrong = report(id, "not-the-secret", ok);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(wrong.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(wrong.body()).getString("type")).endsWith("session-secret-invalid");
    // a user's token is not the session's secret; an unknown session answers the same as a wrong secret
    assertThat(report(id, token, ok).statusCode()).isEqualTo(401);
    assertThat(report("snosuchsession0000000", secret, ok).statusCode()).isEqualTo(401);
    assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(broker.base() + "/v1/sessions/" + id
        + "/activity")).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ok)).build()).statusCode()).isEqualTo(401);

    HttpResponse<String> patch = Http.sendJson("PATCH", broker.base() + "/v1/sessions/" + id + "/activity", secret, ok);
    assertThat(patch.statusCode()).isEqualTo(405);
    assertThat(patch.headers().firstValue("Allow")).hasValue("POST");

    HttpResponse<String> badGpu = report(id, secret, "{\"gpu\":{\"utilisation\":101}}");
    assertThat(badGpu.statusCode()).isEqualTo(400);
    assertThat(badGpu.body()).contains("/gpu/utilisation");
    assertThat(report(id, secret, "{\"kernel\":{\"lastActivity\":\"yesterday\"}}").body())
        .contains("/kernel/lastActivity");
    assertThat(report(id, secret, "{\"kernel\":{\"busy\":\"yes\"}}").body()).contains("/kernel/busy");
    HttpResponse<String> unknown = report(id, secret, "{\"mouse\":{}}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("/mouse");
    assertThat(report(id, secret, "[1]").statusCode()).isEqualTo(400);
    HttpResponse<String> huge = report(id, secret, "{\"kernel\":{\"busy\":true," + "\"x\":\"" + "a".repeat(8000) + "\"}}");
    assertThat(huge.statusCode()).isEqualTo(413);

    assertThat(broker.delete("/v1/sessions/" + id, token).statusCode()).isEqualTo(202);
    BrokerApiIT.awaitStateOn(broker, id, token, "STOPPED");
    HttpResponse<String> stopped = report(id, secret, ok);
    assertThat(stopped.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(stopped.body()).getString("detail")).contains("STOPPED");
  }
}
