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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exports over HTTP while an acknowledged record is not rolled up: the platform runs with {@code readWait: 0s}
 * (reads do not wait for the roll-up) and a background roll-up that yields for an hour after each batch
 * ({@code rollupQuiet}, {@code rollupMaxYield}), so the record stays pending for the whole test.
 */
class ExportPendingApiIT {
  @TempDir
  static Path dir;
  static LocalIssuer issuer;
  static Platform platform;
  static Client read;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = AccountingPlatform.start(dir.resolve("data"), issuer, Map.of("services.accounting.readWait", "0s",
        "services.accounting.rollupQuiet", "60m", "services.accounting.rollupMaxYield", "60m"));
    Client ingest = Client.of(platform, issuer, "accounting:ingest");
    read = Client.of(platform, issuer, "accounting:read");
    JsonObject rec = new JsonObject().put("source", "broker").put("recordId", "pending-1").put("facility", "esrf")
        .put("installation", "esrf-cloud").put("session", "s-pending").put("user", "u-1").put("community", "mx").put("metric", "cpu_core_hours")
        .put("start", "2026-11-03T10:00:00Z").put("end", "2026-11-03T12:00:00Z").put("value", 4);
    HttpResponse<String> r = ingest.post("application/json", new JsonArray().add(rec).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("accepted")).isEqualTo(1);
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

  static HttpResponse<String> get(String pathAndQuery) {
    return Http.send(Http.authorized(read.base() + pathAndQuery, read.token()).GET().build());
  }

  @Test
  void eoscExportWhenAPendingRecordFallsIntoThePeriodThen503WithRetryAfter() {
    HttpResponse<String> r = get("/v1/exports/eosc?period=2026-11");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getInteger("status")).isEqualTo(503);
    assertThat(problem.getString("detail")).startsWith("1 acknowledged records are not rolled up yet");
  }

  @Test
  void eoscExportWhenNoPendingRecordInThePeriodThenAnswered() {
    HttpResponse<String> r = get("/v1/exports/eosc?period=2026-09");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonArray("records")).isEmpty();
  }

  @Test
  void reportAndApelWhenPendingThenReportStatesItInJsonAndCsvAndApelIsExact() {
    HttpResponse<String> report = Http.send(Http.authorized(read.base() + "/v1/reports?period=2026-11", read.token())
        .GET().build());
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(new JsonObject(report.body()).getLong("pendingRecords")).isEqualTo(1);
    HttpResponse<String> csv = Http.send(Http.authorized(read.base() + "/v1/reports?period=2026-11", read.token())
        .header("Accept", "text/csv").GET().build());
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Accounting-Pending-Records")).hasValue("1");
    assertThat(csv.headers().firstValue("Accounting-Complete-Until").map(java.time.Instant::parse)).get()
        .isEqualTo(java.time.Instant.parse(new JsonObject(report.body()).getString("completeUntil")));
    HttpResponse<String> apel = get("/v1/exports/apel?period=2026-11");
    assertThat(apel.statusCode()).as(apel.body()).isEqualTo(200);
    assertThat(apel.body()).as("APEL reads the records themselves").contains("VMUUID: s-pending");
  }
}
