package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingPlatform;
import eu.panosc.accounting.AccountingPlatform.Client;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The business-model summary, dimension filters and time series of {@code GET /v1/reports} over HTTP. */
class ReportMetricsApiIT {
  @TempDir
  static Path dir;
  static LocalIssuer issuer;
  static Platform platform;
  static Client read;
  static final String A = "fa-" + UUID.randomUUID();
  static final String B = "fb-" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = AccountingPlatform.start(dir.resolve("data"), issuer);
    read = Client.of(platform, issuer, "accounting:read");
    Client ingest = Client.of(platform, issuer, "accounting:ingest");
    JsonArray batch = new JsonArray()
        .add(rec("1", A, "mx", "u1", "s1", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", 1))
        .add(rec("2", A, "mx", "u2", "s2", "2026-11-05T10:00:00Z", "2026-11-05T13:00:00Z", 1))
        .add(rec("3", B, "saxs", "u3", "s3", "2026-11-05T12:00:00Z", "2026-11-05T14:00:00Z", 1));
    assertThat(ingest.post("application/json", batch.encode()).statusCode()).isEqualTo(200);
  }

  static JsonObject rec(String id, String facility, String community, String user, String session, String start,
      String end, double value) {
    return new JsonObject().put("source", "api-it").put("recordId", facility + id).put("facility", facility)
        .put("installation", "i").put("user", user).put("session", session).put("community", community)
        .put("metric", "cpu_core_hours").put("start", start).put("end", end).put("value", value);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    issuer.close();
  }

  static JsonObject json(String query) {
    HttpResponse<String> r = read.report(query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Test
  void reportWhenFilteredThenSummaryCountsOnlyThoseFacilities() {
    JsonObject doc = json("period=2026-11-05&groupBy=facility&facility=" + A + "," + B);
    JsonObject summary = doc.getJsonObject("summary");
    assertThat(summary.getInteger("activeUsers")).isEqualTo(3);
    assertThat(summary.getInteger("newUsers")).isEqualTo(3);
    assertThat(summary.getInteger("sessions")).isEqualTo(3);
    assertThat(summary.getDouble("medianSessionSeconds")).isEqualTo(7200.0);
    assertThat(summary.getJsonArray("facilityShares").stream().map(JsonObject.class::cast)
        .map(s -> s.getString("facility") + "=" + s.getString("percent"))).containsExactlyInAnyOrder(
        A + "=66.67", B + "=33.33");
    assertThat(doc.getJsonObject("filters").getJsonArray("facility").getList()).containsExactly(A, B);
    JsonObject onlyA = json("period=2026-11-05&facility=" + A).getJsonObject("summary");
    assertThat(onlyA.getInteger("activeUsers")).isEqualTo(2);
    assertThat(onlyA.getDouble("medianSessionSeconds")).isEqualTo(7200.0);
    assertThat(onlyA.getJsonArray("cpuCoreHoursByCommunity").getJsonObject(0).getString("community")).isEqualTo("mx");
  }

  @Test
  void reportWhenIntervalThenOneRowPerBucketInJsonAndCsv() {
    JsonObject doc = json("period=2026-11-05T09..2026-11-05T14&interval=hour&facility=" + A);
    assertThat(doc.getString("interval")).isEqualTo("hour");
    List<String> cells = doc.getJsonArray("rows").stream().map(JsonObject.class::cast)
        .map(r -> r.getString("bucket").substring(11, 13) + "=" + r.getString("value")).toList();
    // record 1: 1 over hour 10; record 2: 1/3 per hour over 10, 11, 12 (the last takes the remainder)
    assertThat(cells).hasSize(6).startsWith("09=0").contains("14=0");
    HttpResponse<String> csv = read.report("period=2026-11-05T09..2026-11-05T14&interval=hour&facility=" + A,
        "text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0]).isEqualTo("from,to,bucket,metric,value,late_value,late,unique_users,unique_proposals");
    assertThat(lines).hasSize(7);
    assertThat(lines[2]).startsWith("2026-11-05T09:00:00Z,2026-11-05T15:00:00Z,2026-11-05T10:00:00Z,cpu_core_hours,1.3");
  }

  @Test
  void reportWhenBadIntervalOrFilterThenProblemNamingTheField() {
    for (String q : List.of("period=2026-11-05&interval=month", "period=2026-11&interval=week",
        "period=2026-11&facility=%01", "period=2000-01..2026-11&interval=hour")) {
      HttpResponse<String> r = read.report(q, null);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(r.body()).as(q).containsAnyOf("interval", "facility");
    }
  }
}
