package eu.panosc.pdp;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.DemoTokens;
import eu.panosc.platform.testing.FuzzCampaign;
import eu.panosc.platform.testing.FuzzFindings;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.OpenApiFuzzer;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the PDP's OpenAPI document driven with hostile inputs ({@link OpenApiFuzzer}) on the demo
 * federation: never a 5xx or a stack trace, a refused write changes nothing, and afterwards the PDP is ready,
 * decides the demo federation exactly as before, and starts again on the same data.
 */
class PdpFuzzIT {
  /** The demo fixture's "today" (docs/demo.md); the platform's clock runs from there. */
  static final Instant TODAY = Instant.parse("2026-11-26T12:00:00Z");
  static final String ADMIN_SCOPES = "pdp:admin pdp:evaluate";

  @TempDir
  Path dataDir;

  /** The demo decisions of docs/demo.md: user, action, dataset, expected decision. */
  static final List<Object[]> DEMO_DECISIONS = List.of(
      new Object[] {"alice", "read", "10.15151/ESRF-DC-2415001", true},
      new Object[] {"bob", "publish", "10.15151/ESRF-DC-2415001", false},
      new Object[] {"alice", "publish", "10.15151/ESRF-DC-2415001", true},
      new Object[] {"dave", "read", "10.15151/ESRF-DC-2415001", false},
      new Object[] {"dave", "read", "10.15151/ESRF-DC-2415002", true},
      new Object[] {"dave", "analyse", "10.15151/ESRF-ES-4410001", true},
      new Object[] {"carol", "read", "10.5291/ILL-DATA.9-10-1650", true},
      new Object[] {"carol", "read", "10.22003/XFEL.EU-DATA-002712-00", false},
      new Object[] {"bob", "read", "10.22003/XFEL.EU-DATA-002712-00", true});

  static Platform start(Path dataDir) throws Exception {
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), TODAY));
    return PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication(),
        new PdpApplication()), true, Map.of(), clock);
  }

  static String evaluation(String user, String action, String pid) {
    return new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user + "@demo.panosc.eu"))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", TODAY.toString())).encode();
  }

  static void decidesAsDemo(Platform platform) {
    String pdp = platform.baseUrl().toString().replaceAll("/+$", "") + "/pdp";
    String token = new DemoTokens(platform.baseUrl()).fresh("pdp-admin", "pdp:evaluate");
    assertThat(Http.get(pdp + "/health/ready").statusCode()).isEqualTo(200);
    for (Object[] d : DEMO_DECISIONS) {
      var r = Http.sendJson("POST", pdp + "/access/v1/evaluation", token, evaluation((String) d[0], (String) d[1],
          (String) d[2]));
      assertThat(r.statusCode()).as("%s %s %s: %s", d[0], d[1], d[2], r.body()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getBoolean("decision")).as("%s %s %s", d[0], d[1], d[2]).isEqualTo(d[3]);
    }
  }

  static FuzzFindings fuzz(Platform platform) {
    String base = platform.baseUrl().toString().replaceAll("/+$", "");
    DemoTokens tokens = new DemoTokens(platform.baseUrl());
    String token = tokens.token("pdp-admin", ADMIN_SCOPES);
    String subject = "{\"type\":\"user\",\"id\":\"alice@demo.panosc.eu\"}";
    String time = "\"context\":{\"time\":\"" + TODAY + "\"}";
    return OpenApiFuzzer.forService("policy-decision-point", URI.create(base + "/pdp"))
        .headers(op -> Map.of("Authorization", "Bearer " + tokens.token("pdp-admin", ADMIN_SCOPES)))
        // fresh ids for what the fuzzer writes; references to the demo federation so that writes get past them
        .example("/v1/facilities/{id} id", "fuzzfac")
        .example("/v1/proposals/{id} id", "esrf:FUZZ-1")
        .example("/v1/members/{proposal}/{user} proposal", "esrf:MX-2415")
        .example("user", "fuzz@demo.panosc.eu")
        .example("pid", "10.99999/FUZZ-1")
        // the forward-auth: a registered-looking service and an original path (routes unknown in this run: 403s)
        .example("service", "https://scicat.esrf.demo")
        .example("path", "api/v3/datasets/10.15151/ESRF-DC-2415001")
        .example("/v1/policies/{facility} facility", "default")
        .example("/v1/policies/{facility}/versions facility", "default")
        .example("id", "01890a5d-ac96-774b-bcce-b302099a8057")
        .example("facility", "esrf")
        .example("proposal", "esrf:MX-2415")
        .example("instrument", "esrf:id23-1")
        .example("resource", "10.15151/ESRF-DC-2415001")
        .example("subject", "alice@demo.panosc.eu")
        .baseline("POST", "/access/v1/evaluation", evaluation("alice", "read", "10.15151/ESRF-DC-2415001"))
        .baseline("POST", "/access/v1/evaluations", "{\"subject\":" + subject + ",\"action\":{\"name\":\"read\"},"
            + "\"evaluations\":[{\"resource\":{\"type\":\"dataset\",\"id\":\"10.15151/ESRF-DC-2415001\"}}],"
            + "\"options\":{\"evaluations_semantic\":\"execute_all\"}," + time + "}")
        .baseline("POST", "/access/v1/search/resource", "{\"subject\":" + subject + ",\"action\":{\"name\":\"read\"},"
            + "\"resource\":{\"type\":\"dataset\"},\"page\":{\"token\":\"\",\"limit\":2}," + time + "}")
        .baseline("POST", "/access/v1/search/subject", "{\"subject\":{\"type\":\"user\"},\"action\":{\"name\":\"read\"},"
            + "\"resource\":{\"type\":\"dataset\",\"id\":\"10.15151/ESRF-DC-2415001\"},\"page\":{\"limit\":2}," + time + "}")
        .baseline("POST", "/access/v1/search/action", "{\"subject\":" + subject
            + ",\"resource\":{\"type\":\"dataset\",\"id\":\"10.15151/ESRF-DC-2415001\"},\"page\":{\"limit\":2}," + time + "}")
        .baseline("POST", "/v1/filters/datasets", "{\"subject\":" + subject + ",\"action\":{\"name\":\"read\"},"
            + "\"resource\":{\"type\":\"dataset\"}," + time + ",\"sql\":{\"placeholders\":\"?\"}}")
        .baseline("POST", "/v1/ingest", "{\"type\":\"dataset\",\"pid\":\"10.99999/FUZZ-2\",\"proposal\":\"esrf:MX-2415\","
            + "\"facility\":\"esrf\",\"instrument\":\"esrf:id23-1\",\"created\":\"2025-03-12T14:00:00Z\",\"public\":false,"
            + "\"storage\":{\"site\":\"esrf-gpfs\",\"path\":\"/data/fuzz\"},\"sizeBytes\":1}\n")
        .baseline("PUT", "/v1/facilities/{id}", "{\"name\":\"Fuzz facility\",\"embargoYears\":3}")
        .baseline("PUT", "/v1/proposals/{id}", "{\"facility\":\"esrf\",\"title\":\"Fuzz\",\"start\":\"2025-03-10T08:00:00Z\","
            + "\"end\":\"2025-03-14T08:00:00Z\",\"releaseDate\":\"2028-03-14T08:00:00Z\"}")
        .baseline("PUT", "/v1/members/{proposal}/{user}", "{\"role\":\"co-proposer\",\"orcid\":\"0000-0002-1825-0097\"}")
        .baseline("PUT", "/v1/datasets/{pid}", "{\"proposal\":\"esrf:MX-2415\",\"facility\":\"esrf\","
            + "\"instrument\":\"esrf:id23-1\",\"created\":\"2025-03-12T14:00:00Z\",\"releaseDate\":\"2028-03-14T08:00:00Z\","
            + "\"public\":false,\"storage\":{\"site\":\"esrf-gpfs\",\"path\":\"/data/fuzz\"},\"sizeBytes\":1}")
        .baseline("PUT", "/v1/policies/{facility}", Http.getAuthorized(base + "/pdp/v1/policies/default", token).body())
        .run();
  }

  @Test
  void everyRouteWhenFuzzedThenNoServerErrorNoLeakAndStillDecidesAfterRestart() throws Exception {
    FuzzCampaign.run("policy-decision-point", () -> start(dataDir), PdpFuzzIT::decidesAsDemo, PdpFuzzIT::fuzz);
  }
}
