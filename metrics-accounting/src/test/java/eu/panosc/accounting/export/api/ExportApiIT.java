package eu.panosc.accounting.export.api;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingPlatform;
import eu.panosc.accounting.AccountingPlatform.Client;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The export routes over HTTP on a real platform: both formats, every bad input, scopes. */
class ExportApiIT {
  @TempDir
  static Path dir;
  static LocalIssuer issuer;
  static Platform platform;
  static Client read;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = AccountingPlatform.start(dir.resolve("data"), issuer, Map.of(
        "services.accounting.eosc.installations.esrf/esrf-cloud", "eosc-inst-7",
        "services.accounting.eosc.metricDefinitions.cpu_core_hours", "def-cpu-1"));
    Client ingest = Client.of(platform, issuer, "accounting:ingest");
    read = Client.of(platform, issuer, "accounting:read");
    JsonArray batch = new JsonArray()
        .add(rec("1", "esrf-cloud", "s-1", "MX-1", "cpu_core_hours", "2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z", 8))
        .add(rec("2", "esrf-cloud", "s-1", "MX-1", "memory_gib_hours", "2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z",
            32))
        .add(rec("3", "esrf-hpc", null, null, "gpu_hours", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", 1));
    HttpResponse<String> r = ingest.post("application/json", batch.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static JsonObject rec(String id, String installation, String session, String proposal, String metric, String start,
      String end, double value) {
    JsonObject o = new JsonObject().put("source", "broker").put("recordId", id).put("facility", "esrf")
        .put("installation", installation).put("user", "u-1").put("community", "mx").put("metric", metric)
        .put("start", start).put("end", end).put("value", value);
    if (session != null) {
      o.put("session", session);
    }
    if (proposal != null) {
      o.put("proposal", proposal);
    }
    return o;
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static HttpResponse<String> get(Client c, String pathAndQuery) {
    return Http.send(Http.authorized(c.base() + pathAndQuery, c.token()).GET().build());
  }

  @Test
  void eoscWhenMonthThenRecordsInTheServiceShapeWithConfiguredIds() {
    HttpResponse<String> r = get(read, "/v1/exports/eosc?period=2026-11");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject doc = new JsonObject(r.body());
    assertThat(doc.getString("granularity")).isEqualTo("month");
    assertThat(doc.getJsonArray("metric_definitions")).hasSize(6);
    JsonObject cpuDef = doc.getJsonArray("metric_definitions").getJsonObject(0);
    assertThat(cpuDef.getString("metric_definition_id")).isEqualTo("def-cpu-1");
    assertThat(cpuDef.getString("metric_type")).isEqualTo("aggregated");
    assertThat(doc.getJsonArray("metric_definitions").getJsonObject(5).getString("metric_type")).isEqualTo("count");
    List<JsonObject> records = doc.getJsonArray("records").stream().map(JsonObject.class::cast).toList();
    assertThat(records).hasSize(3);
    JsonObject cpu = records.stream().filter(o -> "cpu_core_hours".equals(o.getString("metric"))).findFirst()
        .orElseThrow();
    assertThat(cpu.getString("installation_id")).isEqualTo("eosc-inst-7");
    assertThat(cpu.getString("metric_definition_id")).isEqualTo("def-cpu-1");
    assertThat(cpu.getString("time_period_start")).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(cpu.getString("time_period_end")).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(cpu.getDouble("value")).as("November's half of 8 core-hours").isEqualTo(4.0);
    assertThat(cpu.getString("group_id")).isEqualTo("MX-1");
    assertThat(cpu.containsKey("user_id")).isFalse();
    JsonObject gpu = records.stream().filter(o -> "gpu_hours".equals(o.getString("metric"))).findFirst().orElseThrow();
    assertThat(gpu.getValue("installation_id")).as("esrf-hpc is not mapped").isNull();
    assertThat(gpu.containsKey("group_id")).isFalse();
    assertThat(doc.getJsonArray("installations")).hasSize(2);
    HttpResponse<String> days = get(read, "/v1/exports/eosc?period=2026-10-31..2026-11-01");
    assertThat(new JsonObject(days.body()).getJsonArray("records").stream().map(o -> ((JsonObject) o)
        .getString("time_period_start")).distinct()).containsExactly("2026-10-31T00:00:00Z", "2026-11-01T00:00:00Z");
  }

  @Test
  void apelWhenMonthThenOneCloudRecordPerSession() {
    HttpResponse<String> r = get(read, "/v1/exports/apel?period=2026-11");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.body()).startsWith("APEL-cloud-message: v0.4\n").endsWith("%%\n")
        .contains("VMUUID: s-1\n").contains("SiteName: esrf\n").contains("CpuDuration: 14400\n")
        .contains("WallDuration: 7200\n").contains("Memory: 8192\n").contains("Status: completed\n")
        .contains("StartTime: " + Instant.parse("2026-10-31T22:00:00Z").getEpochSecond() + "\n");
    assertThat(r.body().split("%%\n", -1)).as("one record: the gpu usage has no session").hasSize(2);
    HttpResponse<String> october = get(read, "/v1/exports/apel?period=2026-10");
    assertThat(october.body()).contains("Status: started\n").doesNotContain("EndTime");
    assertThat(get(read, "/v1/exports/apel?period=2026-01").body()).isEqualTo("APEL-cloud-message: v0.4\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/exports/eosc|period|is required",
      "/v1/exports/eosc?period=|period|is required",
      "/v1/exports/eosc?period=2026-13|period|must be a month",
      "/v1/exports/eosc?period=2026-11..2026-10|period|must not be before",
      "/v1/exports/eosc?period=2026-11&period=2026-12|period|once",
      "/v1/exports/eosc?period=2026-11&groupBy=facility|groupBy|unknown parameter",
      "/v1/exports/eosc?period=%00|period|",
      "/v1/exports/apel|period|is required",
      "/v1/exports/apel?period=2026-11-05|period|one month",
      "/v1/exports/apel?period=2026-10..2026-11|period|one month",
      "/v1/exports/apel?period=0000-01|period|",
      "/v1/exports/apel?period=2026-11&format=xml|format|unknown parameter"})
  void exportWhenQueryBadThen400ProblemNamingTheParameter(String pathAndQuery, String field, String reason) {
    HttpResponse<String> r = get(read, pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains(field);
    if (reason != null) {
      assertThat(new JsonObject(r.body()).getString("detail")).contains(reason);
    }
  }

  @Test
  void exportWhenTokenMissingOrWithoutReadScopeThen401Or403() {
    for (String path : List.of("/v1/exports/eosc?period=2026-11", "/v1/exports/apel?period=2026-11")) {
      assertThat(Http.get(read.base() + path).statusCode()).isEqualTo(401);
      Client ingestOnly = Client.of(platform, issuer, "accounting:ingest");
      HttpResponse<String> r = get(ingestOnly, path);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
    }
  }
}
