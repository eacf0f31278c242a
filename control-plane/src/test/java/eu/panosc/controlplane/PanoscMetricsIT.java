package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/metrics.md} is the one list of the services' meters: {@code panosc up --demo} (the shaded jar, a
 * separate process) exposes at every service's {@code /metrics} exactly the {@code panosc_*} families listed there,
 * with the listed type, and every family listed there (the Vert.x and JVM ones too).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PanoscMetricsIT {
  static final List<String> SERVICES = List.of("registry", "aai", "pdp", "broker", "accounting");

  @TempDir
  Path dir;

  @Test
  void metricsWhenEveryServiceScrapedThenPanoscMetersAreExactlyTheDocumentedOnes() throws Exception {
    Map<String, String> documented = MetricsDoc.documented();
    assertThat(documented).containsKeys("panosc_accounting_records_total", "panosc_accounting_record_lag_seconds",
        "panosc_accounting_ingest_lag_seconds", "panosc_pdp_decisions_total", "panosc_aai_tokens_issued_total");
    PanoscProcess panosc = PanoscProcess.start(dir, dir.resolve("var"), "--demo");
    try {
      panosc.awaitReady(Duration.ofSeconds(180));
      // a meter with a series per error code appears with the first error: make one
      HttpResponse<String> refused = Http.send(HttpRequest.newBuilder(URI.create(panosc.base() + "/aai/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=nobody&client_secret=x"))
          .build());
      assertThat(refused.statusCode()).isEqualTo(401);

      List<String> problems = new ArrayList<>();
      for (String service : SERVICES) {
        HttpResponse<String> r = Http.get(panosc.base() + "/" + service + "/metrics");
        assertThat(r.statusCode()).as(service).isEqualTo(200);
        Map<String, String> exposed = MetricsDoc.exposed(r.body());
        assertThat(exposed).as(service).isNotEmpty();
        Map<String, String> covered = new TreeMap<>();
        exposed.forEach((name, type) -> {
          String family = MetricsDoc.familyOf(name, documented);
          if (name.startsWith("panosc_") && family == null) {
            problems.add(service + ": " + name + " (" + type + ") is exposed but not in docs/metrics.md");
          } else if (family != null && family.equals(name) && !documented.get(name).equals(type)) {
            problems.add(service + ": " + name + " is a " + type + ", docs/metrics.md says " + documented.get(name));
          }
          if (family != null) {
            covered.put(family, type);
          }
        });
        documented.keySet().stream().filter(name -> !covered.containsKey(name))
            .forEach(name -> problems.add(service + ": " + name + " is in docs/metrics.md but not exposed"));
      }
      assertThat(problems).isEmpty();
    } finally {
      panosc.stop();
    }
  }
}
