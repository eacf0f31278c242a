package eu.panosc.controlplane;

import static eu.panosc.controlplane.Cli.panosc;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.accounting.AccountingApplication;
import eu.panosc.controlplane.Cli.Run;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code panosc report} against a running registry, aai-broker and accounting service in demo mode (embedded
 * PostgreSQL): the demo client eosc-accounting reads, resource-broker ingests.
 */
class PanoscReportIT {
  @TempDir
  static Path dataDir;
  @TempDir
  static Path out;

  static Platform platform;
  static String base;
  static String ingestToken;

  @BeforeAll
  static void start() throws Exception {
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication(),
        new AccountingApplication()), true, Map.of(), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    ingestToken = clientToken("resource-broker", "accounting:ingest");
    JsonArray batch = new JsonArray();
    // November 2025: `panosc up --demo` seeds usage for the last three months (DemoUsage), never this far back
    String[][] usage = {{"esrf", "MX-1", "8"}, {"esrf", "MX-2", "2.5"}, {"ill", "=cmd", "4"}};
    for (int i = 0; i < usage.length; i++) {
      batch.add(new JsonObject().put("source", "report-it").put("recordId", "r" + i).put("facility", usage[i][0])
          .put("installation", usage[i][0] + "-cloud").put("user", "u" + i).put("proposal", usage[i][1])
          .put("community", "mx").put("metric", "cpu_core_hours").put("start", "2025-11-05T10:00:00Z")
          .put("end", "2025-11-05T12:00:00Z").put("value", Double.parseDouble(usage[i][2])));
    }
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/accounting/v1/records"))
        .header("Authorization", "Bearer " + ingestToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(batch.encode())).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static String clientToken(String client, String scope) {
    return PanoscProcess.demoClientToken(base, client, scope);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  String[] clientArgs(String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("report", "--url", base, "--client", "eosc-accounting",
        "--client-secret", "eosc-accounting-demo-secret"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void reportWhenByFacilityThenTableOfTheMonth() {
    Run run = panosc(clientArgs("--period", "2025-11", "--by", "facility"));
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).as("no progress when standard error is not a terminal").isEmpty();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("Usage 2025-11-01T00:00:00Z .. 2025-12-01T00:00:00Z (month rollups)");
    assertThat(lines.get(1)).matches("facility\\s+metric\\s+value\\s+users\\s+proposals\\s+late");
    assertThat(lines).anyMatch(l -> l.matches("esrf\\s+cpu_core_hours\\s+10\\.5\\s+2\\s+2\\s+late"))
        .anyMatch(l -> l.matches("ill\\s+cpu_core_hours\\s+4\\s+1\\s+1\\s+late"));
  }

  @Test
  void reportWhenCsvToFileWithTokenThenFileHoldsTheServiceCsvAndProgressDrawn() throws Exception {
    Path file = out.resolve("nov.csv");
    Run run = panosc("report", "--url", base, "--token", clientToken("eosc-accounting", "accounting:read"),
        "--period", "2025-11", "--by", "facility,proposal", "--metric", "cpu_core_hours", "--format", "csv",
        "--output", file.toString(), "--progress", "always");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).as("the progress bar, on standard error").contains("] 100%").contains(" B of ").endsWith(" B");
    String csv = Files.readString(file);
    assertThat(csv).startsWith("from,to,facility,proposal,metric,value,late_value,late,unique_users,unique_proposals"
        + "\r\n").contains(",ill,'=cmd,cpu_core_hours,4,").contains(",esrf,MX-1,cpu_core_hours,8,");
  }

  @Test
  void reportWhenJsonThenTheServiceDocument() {
    Run run = panosc(clientArgs("--period", "2025-11-05", "--format", "json"));
    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject doc = new JsonObject(run.out());
    assertThat(doc.getString("granularity")).isEqualTo("day");
    assertThat(doc.getJsonArray("rows").getJsonObject(0).getDouble("value")).isEqualTo(14.5);
  }

  @Test
  void reportWhenRefusedThenOneLineErrorsAndExitCodes() {
    Run badPeriod = panosc(clientArgs("--period", "2026-13"));
    assertThat(badPeriod.exit()).isEqualTo(ReportCommand.EXIT_BAD_REQUEST);
    assertThat(badPeriod.err()).startsWith("panosc: the accounting service refused the report: ")
        .contains("period").doesNotContain("\n");
    Run badDimension = panosc(clientArgs("--period", "2025-11", "--by", "planet"));
    assertThat(badDimension.exit()).isEqualTo(ReportCommand.EXIT_BAD_REQUEST);
    assertThat(badDimension.err()).contains("groupBy").contains("unknown dimension");
    Run wrongScope = panosc("report", "--url", base, "--token", ingestToken, "--period", "2025-11");
    assertThat(wrongScope.exit()).isEqualTo(ReportCommand.EXIT_UNAUTHORIZED);
    assertThat(wrongScope.err()).contains("accounting:read").doesNotContain("\n").doesNotContain(ingestToken);
    Run badToken = panosc("report", "--url", base, "--token", "not-a-jwt", "--period", "2025-11");
    assertThat(badToken.exit()).isEqualTo(ReportCommand.EXIT_UNAUTHORIZED);
    assertThat(badToken.err()).startsWith("panosc: the accounting service refused the report").doesNotContain("\n");
    Run badSecret = panosc("report", "--url", base, "--client", "eosc-accounting", "--client-secret", "wrong",
        "--period", "2025-11");
    assertThat(badSecret.exit()).isEqualTo(ReportCommand.EXIT_UNAUTHORIZED);
    assertThat(badSecret.err()).startsWith("panosc: the token endpoint refused client eosc-accounting")
        .doesNotContain("wrong");
    Run noToken = panosc("report", "--url", base, "--period", "2025-11");
    assertThat(noToken.exit()).isIn(ReportCommand.EXIT_UNAUTHORIZED);
    Run down = panosc("report", "--url", "http://127.0.0.1:" + Http.freePort(), "--token", "x", "--period", "2025-11");
    assertThat(down.exit()).isEqualTo(ReportCommand.EXIT_FAILED);
    assertThat(down.err()).startsWith("panosc: cannot reach the control plane").doesNotContain("\n");
    Run unwritable = panosc(clientArgs("--period", "2025-11", "--output", out.resolve("no/such/dir/r.txt").toString()));
    assertThat(unwritable.exit()).isEqualTo(ReportCommand.EXIT_FAILED);
    assertThat(unwritable.err()).startsWith("panosc: cannot write ").doesNotContain("\n");
    Run badFormat = panosc(clientArgs("--period", "2025-11", "--format", "xml"));
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format");
  }
}
