package eu.panosc.accounting.export.eosc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingPlatform;
import eu.panosc.accounting.AccountingPlatform.Client;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push as the platform runs it ({@code services.accounting.eosc.enabled}), on its schedule, against
 * {@link FakeEoscService} (an in-test stand-in for the EOSC Accounting Service, which cannot run here): records of a
 * closed month arrive once, the first attempt failing; after a restart on the same data nothing is sent again.
 */
class EoscPushPlatformIT {
  @TempDir
  Path dir;

  @Test
  void platformWhenPushEnabledThenClosedMonthArrivesOnceAcrossARestart() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LocalIssuer issuer = LocalIssuer.start(); FakeEoscService eosc = new FakeEoscService(vertx).start()) {
      Path token = dir.resolve("eosc-token");
      Files.writeString(token, FakeEoscService.TOKEN_PREFIX + "static\n");
      Map<String, String> config = Map.of("services.accounting.eosc.enabled", "true",
          "services.accounting.eosc.url", eosc.url(), "services.accounting.eosc.tokenFile", token.toString(),
          "services.accounting.eosc.installations.esrf/esrf-cloud", "inst-esrf",
          "services.accounting.eosc.metricDefinitions.cpu_core_hours", "def-cpu",
          "services.accounting.eosc.interval", "1s", "services.accounting.eosc.closeAfter", "0s",
          "services.accounting.eosc.backoffBase", "100ms", "services.accounting.eosc.backoffMax", "500ms");
      eosc.fail(FakeEoscService.Fault.FAIL_500_AFTER_STORE);
      Platform platform = AccountingPlatform.start(dir.resolve("data"), issuer, config);
      try {
        Client ingest = Client.of(platform, issuer, "accounting:ingest");
        var r = ingest.post("application/json", new JsonArray().add(new JsonObject().put("source", "b")
            .put("recordId", "1").put("facility", "esrf").put("installation", "esrf-cloud").put("proposal", "MX-1")
            .put("metric", "cpu_core_hours").put("start", "2026-10-05T10:00:00Z").put("end", "2026-10-05T12:00:00Z")
            .put("value", 6)).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitRecords(eosc, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (eosc.requests().stream().noneMatch(q -> q.startsWith("GET ")) && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        Thread.sleep(2_500); // two more cycles: nothing more may arrive
      } finally {
        platform.stop().get(60, TimeUnit.SECONDS);
      }
      assertThat(eosc.metrics()).singleElement().satisfies(m -> {
        assertThat(m.getString("installation")).isEqualTo("inst-esrf");
        assertThat(m.getString("group_id")).isEqualTo("MX-1");
        assertThat(m.getString("time_period_start")).isEqualTo("2026-10-01T00:00:00Z");
        assertThat(m.getDouble("value")).isEqualTo(6.0);
      });
      assertThat(eosc.requests()).as("the 500 left it in flight: looked up, found, not posted again")
          .anyMatch(q -> q.startsWith("GET /accounting-system/installations/inst-esrf/metrics"))
          .filteredOn(q -> q.startsWith("POST")).hasSize(1);
      int before = eosc.requests().size();
      Platform again = AccountingPlatform.start(dir.resolve("data"), issuer, config);
      try {
        Thread.sleep(2_500);
      } finally {
        again.stop().get(60, TimeUnit.SECONDS);
      }
      assertThat(eosc.requests()).as("nothing sent after the restart").hasSize(before);
    } finally {
      vertx.close().await();
    }
  }

  static void awaitRecords(FakeEoscService eosc, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (eosc.metrics().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(eosc.metrics()).hasSize(n);
  }
}
