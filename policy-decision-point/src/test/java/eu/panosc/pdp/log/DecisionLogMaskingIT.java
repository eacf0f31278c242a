package eu.panosc.pdp.log;

import static eu.panosc.pdp.log.DecisionLogIT.EMBARGOED;
import static eu.panosc.pdp.log.DecisionLogIT.PUBLIC;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision log with {@code maskSubjects: drop}, chosen property paths dropped, and {@code maxRows: 3}. */
class DecisionLogMaskingIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client pep;
  static PdpPlatform.Client admin;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, true, Map.of(
        "services.pdp.trustedEntitlementAuthorities", "eduteams.org",
        "services.pdp.decisionLog.maskSubjects", "drop",
        "services.pdp.decisionLog.maskProperties", "subject.properties.entitlements,context.ip",
        "services.pdp.decisionLog.maxRows", "3",
        "services.pdp.decisionLog.purgeInterval", "200ms"));
    pep = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get();
    issuer.close();
  }

  static String decide(JsonObject request) {
    return new JsonObject(pep.post("/access/v1/evaluation", request.encode()).body())
        .getJsonObject("context").getString("id");
  }

  static JsonObject logged(String id) {
    return new JsonObject(DecisionLogIT.await(() -> admin.get("/v1/decisions/" + id), r -> r.statusCode() == 200)
        .body());
  }

  @Test
  void evaluationWhenDropModeAndPathsThenNoSubjectIdAndOnlyThosePropertiesGone() {
    JsonObject request = DecisionLogIT.evalRequest("x@eduteams.org", EMBARGOED);
    request.getJsonObject("subject").put("properties", new JsonObject().put("home", "esrf")
        .put("entitlements", new JsonArray().add("urn:geant:eduteams.org:group:panosc:esrf:MX-2415#eduteams.org")));
    request.getJsonObject("context").put("ip", "192.0.2.7").put("portal", "scicat");
    JsonObject e = logged(decide(request));
    assertThat(e.getBoolean("decision")).isTrue();
    assertThat(e.getJsonObject("policy").getString("relation")).isEqualTo("member");
    assertThat(e.getJsonObject("subject").getMap()).isEqualTo(Map.of("type", "user"));
    assertThat(e.getJsonObject("request").getMap()).isEqualTo(Map.of(
        "subject", Map.of("properties", Map.of("home", "esrf")),
        "context", Map.of("portal", "scicat")));
    assertThat(e.encode()).doesNotContain("x@eduteams.org", "192.0.2.7", "MX-2415");
    // nothing to find by subject: the id was never stored
    assertThat(new JsonObject(admin.get("/v1/decisions?subject=x%40eduteams.org").body()).getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void purgeWhenBeyondMaxRowsThenOnlyTheNewestKept() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(decide(DecisionLogIT.evalRequest("dave@demo.panosc.eu", i % 2 == 0 ? PUBLIC : EMBARGOED)));
    }
    List<String> newestFirst = List.of(ids.get(5), ids.get(4), ids.get(3));
    DecisionLogIT.await(() -> new JsonObject(admin.get("/v1/decisions").body()).getJsonArray("items").stream()
        .map(x -> ((JsonObject) x).getString("id")).toList(), newestFirst::equals);
    assertThat(admin.get("/v1/decisions/" + ids.get(0)).statusCode()).isEqualTo(404);
    assertThat(platform.registry().get(DecisionLogWriter.METER_PURGED).counter().count()).isGreaterThanOrEqualTo(3);
  }
}
