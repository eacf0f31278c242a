package eu.panosc.broker.usage;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingApplication;
import eu.panosc.broker.BrokerPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage records through the outbox into the real metrics-accounting module (its own platform, embedded PostgreSQL,
 * trusting the same test issuer as the broker; see {@link BrokerPlatform} for the broker's token endpoint stand-in):
 * while accounting is down the records wait in the outbox; once it is up they arrive, and the session's core-hours,
 * memory-GiB-hours and session count in accounting equal its time exactly (nothing lost, nothing counted twice).
 */
class UsageOutboxIT {
  @TempDir
  Path brokerDir;
  @TempDir
  Path accountingDir;

  static double value(JsonObject report, String metric) {
    JsonArray rows = report.getJsonArray("rows");
    return rows.stream().map(JsonObject.class::cast).filter(r -> metric.equals(r.getString("metric")))
        .mapToDouble(r -> r.getDouble("value")).sum();
  }

  @Test
  void usageWhenAccountingIsDownThenUpThenRecordsArriveExactlyOnce() throws Exception {
    int port = Http.freePort();
    String accountingBase = "http://127.0.0.1:" + port + "/accounting";
    try (BrokerPlatform broker = new BrokerPlatform()) {
      broker.audienceByScope.put("accounting:ingest", accountingBase);
      broker.start(brokerDir, Map.of("services.broker.usage.accountingUrl", accountingBase,
          "services.broker.usage.period", "1s"));
      String token = broker.token("alice@demo.panosc.eu");
      var created = broker.post("/v1/sessions", token, new JsonObject().put("image", "jupyter")
          .put("flavour", "medium").put("datasets", new JsonArray()).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      String id = new JsonObject(created.body()).getString("id");
      eu.panosc.broker.api.BrokerApiITAccess.awaitState(broker, id, token, "RUNNING");
      // accounting is down: several periods pass, their records wait in the outbox (deliveries fail, back off)
      Thread.sleep(3_000);
      assertThat(broker.delete("/v1/sessions/" + id, token).statusCode()).isEqualTo(202);
      JsonObject stopped = eu.panosc.broker.api.BrokerApiITAccess.awaitState(broker, id, token, "STOPPED");
      Instant start = Instant.parse(stopped.getString("created"));
      Instant end = Instant.parse(stopped.getString("updated"));
      double hours = Duration.between(start, end).toMillis() / 3_600_000.0;

      Map<String, String> overrides = new HashMap<>(broker.issuer.configOverrides());
      overrides.put("server.port", Integer.toString(port));
      overrides.put("server.publicBaseUrl", "http://127.0.0.1:" + port);
      Platform accounting = PlatformLauncher.start(accountingDir, List.of(new AccountingApplication()), false,
          overrides, Clock.systemUTC());
      try {
        String read = broker.issuer.token(accountingBase, "test-client", "accounting:read");
        String day = LocalDate.ofInstant(start, ZoneOffset.UTC).toString();
        String period = day.equals(LocalDate.ofInstant(end, ZoneOffset.UTC).toString()) ? day
            : day + ".." + LocalDate.ofInstant(end, ZoneOffset.UTC);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonObject report;
        do {
          Thread.sleep(500);
          var r = Http.getAuthorized(accountingBase + "/v1/reports?period=" + period, read);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          report = new JsonObject(r.body());
        } while (value(report, "sessions") < 1 && System.nanoTime() < deadline
            || Math.abs(value(report, "cpu_core_hours") - 2 * hours) > 1e-5 && System.nanoTime() < deadline);
        // medium: 2 CPU, 4 GiB, from creation to stop, in disjoint intervals
        assertThat(value(report, "sessions")).isEqualTo(1.0);
        assertThat(value(report, "cpu_core_hours")).isCloseTo(2 * hours, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(value(report, "memory_gib_hours")).isCloseTo(4 * hours, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(value(report, "gpu_hours")).isZero();
        // more time and passes: nothing arrives twice
        Thread.sleep(2_000);
        JsonObject again = new JsonObject(Http.getAuthorized(accountingBase + "/v1/reports?period=" + period, read)
            .body());
        assertThat(value(again, "cpu_core_hours")).isEqualTo(value(report, "cpu_core_hours"));
        assertThat(value(again, "sessions")).isEqualTo(1.0);
      } finally {
        accounting.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }
}
