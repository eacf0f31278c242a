package eu.panosc.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingPlatform.Client;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.FuzzCampaign;
import eu.panosc.platform.testing.FuzzFindings;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.OpenApiFuzzer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the accounting OpenAPI document driven with hostile inputs ({@link OpenApiFuzzer}): never a 5xx
 * or a stack trace, a refused ingest changes no report, and afterwards the service is ready, reports the fixture
 * exactly as before, and starts again on the same data.
 */
class AccountingFuzzIT {
  static final String SCOPES = "accounting:ingest accounting:read";
  static final String FIXTURE = new JsonArray().add(new JsonObject().put("source", "fuzz").put("recordId", "fixture-1")
      .put("facility", "fixture-facility").put("installation", "i").put("user", "u").put("proposal", "p")
      .put("community", "c").put("metric", "gpu_hours").put("start", "2026-11-05T10:00:00Z")
      .put("end", "2026-11-05T12:00:00Z").put("value", 2)).encode();
  static final String BASELINE = new JsonArray().add(new JsonObject().put("source", "fuzz").put("recordId", "r-1")
      .put("facility", "esrf").put("installation", "id23").put("cluster", "k8s").put("session", "s-1")
      .put("user", "u-1").put("proposal", "MX-2415").put("community", "mx").put("metric", "cpu_core_hours")
      .put("start", "2026-11-05T10:00:00Z").put("end", "2026-11-05T11:30:00Z").put("value", 3.5)
      .put("cumulative", false)).encode();

  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;

  @BeforeAll
  static void issuer() {
    issuer = LocalIssuer.start();
  }

  @AfterAll
  static void close() {
    issuer.close();
  }

  static Client client(Platform platform) {
    return Client.of(platform, issuer, SCOPES.split(" "));
  }

  /** Ready, the fixture ingested (idempotently) and reported exactly. */
  static void serves(Platform platform) {
    Client c = client(platform);
    assertThat(Http.get(c.base() + "/health/ready").statusCode()).isEqualTo(200);
    assertThat(c.post("application/json", FIXTURE).statusCode()).isEqualTo(200);
    var r = c.report("period=2026-11&groupBy=facility&metric=gpu_hours", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject row = new JsonObject(r.body()).getJsonArray("rows").stream().map(JsonObject.class::cast)
        .filter(o -> "fixture-facility".equals(o.getString("facility"))).findFirst().orElseThrow();
    assertThat(row.getDouble("value")).isEqualTo(2.0);
    assertThat(row.getInteger("uniqueUsers")).isEqualTo(1);
  }

  static FuzzFindings fuzz(Platform platform) {
    Client c = client(platform);
    return OpenApiFuzzer.forService("metrics-accounting", URI.create(c.base()))
        .headers(op -> Map.of("Authorization", "Bearer " + issuer.token(c.base(), "fuzz-client", SCOPES.split(" "))))
        .example("period", "2026-11")
        .example("groupBy", "facility,community")
        .example("metric", "cpu_core_hours")
        .baseline("POST", "/v1/records", BASELINE)
        .stateProbe(() -> {
          // the stored state: the report without completeUntil (the time of the read itself)
          JsonObject report = new JsonObject(c.report("period=0001-01..9999-12&groupBy=facility,installation,proposal,"
              + "community", null).body());
          report.remove("completeUntil");
          return report.encode();
        })
        .run();
  }

  @Test
  void everyRouteWhenFuzzedThenNoServerErrorNoLeakAndStillReportsAfterRestart() throws Exception {
    FuzzCampaign.run("metrics-accounting", () -> AccountingPlatform.start(dataDir, issuer), AccountingFuzzIT::serves,
        AccountingFuzzIT::fuzz);
  }
}
