package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.accounting.AccountingApplication;
import eu.panosc.platform.testing.DemoTokens;
import eu.panosc.platform.testing.Http;
import eu.panosc.registry.RegistryApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounting report page in a real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, skipped
 * when absent): the control plane runs in demo mode (registry, aai-broker, accounting; embedded PostgreSQL), records
 * are ingested over the API, carol (ILL data manager, a report reader in the demo) signs in through the aai-broker's
 * real login and consent pages, sees the SVG charts with values derived from the records, filters, downloads the
 * CSV and signs out; alice signs in too and gets the 403 page.
 */
class AccountingReportPageIT {
  @TempDir
  static Path downloads;

  @RegisterExtension
  static final DemoStack STACK = new DemoStack(RegistryApplication::new, AaiApplication::new,
      AccountingApplication::new).onLoopbackPort()
      .onlyIf(WebDriver::available, "chromium and chromedriver (Debian chromium, chromium-driver) are not installed");
  static String base;

  @BeforeAll
  static void start() throws Exception {
    base = STACK.base();
    String token = new DemoTokens(STACK.platform().baseUrl()).token("resource-broker", "accounting:ingest");
    String records = String.join("\n",
        // November 2025: `panosc up --demo` seeds usage for the last three months (DemoUsage), never this far back
        rec("r1", "esrf", "esrf:MX-2415", "mx", "u1", "s1", "cpu_core_hours", "2025-11-05T10:00:00Z",
            "2025-11-05T12:00:00Z", "6"),
        rec("r2", "esrf", "esrf:MX-2415", "mx", "u2", "s2", "cpu_core_hours", "2025-11-06T08:00:00Z",
            "2025-11-06T09:00:00Z", "10"),
        rec("r3", "ill", "ill:9-10-1650", "saxs", "u3", "s3", "cpu_core_hours", "2025-11-06T10:00:00Z",
            "2025-11-06T14:00:00Z", "4"),
        rec("r4", "esrf", "esrf:HC-4410", "<b>hc</b>", "u1", "s4", "gpu_hours", "2025-11-20T00:00:00Z",
            "2025-11-20T02:00:00Z", "3")) + "\n";
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/accounting/v1/records"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(records)).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static String rec(String id, String facility, String proposal, String community, String user, String session,
      String metric, String start, String end, String value) {
    return new io.vertx.core.json.JsonObject().put("source", "page-it").put("recordId", id).put("facility", facility)
        .put("installation", facility + "-hpc").put("proposal", proposal).put("community", community)
        .put("user", user).put("session", session).put("metric", metric).put("start", start).put("end", end)
        .put("value", Double.parseDouble(value)).encode();
  }

  /** Signs a demo user in from the report page through the broker's login (and, first time, consent) page. */
  static void signIn(WebDriver b, String user, String query) throws Exception {
    b.get(base + "/accounting/reports" + query);
    try {
      WebDriver.await("the aai-broker's login form", () -> b.has("#password"));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " at " + b.currentUrl() + ": " + b.source(), e);
    }
    assertThat(b.currentUrl()).startsWith(base + "/aai/authorize");
    b.type(b.find("#username"), user);
    b.type(b.find("#password"), user + "-demo-pw\uE007");
    WebDriver.await("consent or the report page", () -> b.has("button[value=approve]") || b.has("main h1"));
    if (b.has("button[value=approve]")) {
      b.click(b.find("button[value=approve]"));
    }
    WebDriver.await("the report page", () -> b.urlNow().startsWith(base + "/accounting/reports"));
  }

  /** label -> data-value of the bars of one chart. */
  static Map<String, String> bars(WebDriver b, String chart) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String g : b.findAll("svg#" + chart + " g.bar")) {
      out.put(b.attribute(g, "data-label"), b.attribute(g, "data-value"));
    }
    return out;
  }

  @Test
  void reportPageWhenReaderSignsInThenChartsFiltersCsvAndSignOut() throws Exception {
    try (WebDriver b = new WebDriver(downloads)) {
      signIn(b, "carol", "?period=2025-11");
      assertThat(b.title()).isEqualTo("Accounting reports");
      assertThat(b.text(b.find("#who"))).isEqualTo("Carol Dubois");
      // charts: SVG with accessible titles, values derived from the ingested core-hour records
      assertThat(b.findAll("svg[role=img] > title")).hasSize(4);
      assertThat(bars(b, "chart-facility")).containsExactlyInAnyOrderEntriesOf(Map.of("esrf", "16", "ill", "4"));
      assertThat(b.property(b.find("svg#chart-facility g.bar[data-label=esrf]"), "textContent"))
          .contains("80.00 %");
      assertThat(bars(b, "chart-community")).containsExactlyInAnyOrderEntriesOf(Map.of("mx", "16", "saxs", "4"));
      assertThat(bars(b, "chart-proposal")).containsExactlyInAnyOrderEntriesOf(Map.of("esrf:MX-2415", "16",
          "ill:9-10-1650", "4"));
      Map<String, String> days = bars(b, "chart-time");
      assertThat(days).hasSize(30).containsEntry("2025-11-05", "6").containsEntry("2025-11-06", "14")
          .containsEntry("2025-11-20", "0");
      assertThat(b.text(b.find("#active-users"))).isEqualTo("3");
      assertThat(b.text(b.find("#new-users"))).isEqualTo("3");
      assertThat(b.text(b.find("#sessions"))).isEqualTo("4");
      assertThat(b.text(b.find("#median-session"))).isEqualTo("2 h 00 min 00 s");

      // gpu hours: the community name with markup is shown as text, never as HTML
      b.click(b.find("#metric option[value=gpu_hours]"));
      b.click(b.find("#apply"));
      WebDriver.await("the gpu chart", () -> b.urlNow().contains("metric=gpu_hours"));
      assertThat(bars(b, "chart-community")).containsExactlyEntriesOf(Map.of("<b>hc</b>", "3"));
      assertThat(b.findAll("svg#chart-community b")).isEmpty();

      // filter by facility
      b.click(b.find("#metric option[value=cpu_core_hours]"));
      b.type(b.find("#facility"), "ill");
      b.click(b.find("#apply"));
      WebDriver.await("the filtered page", () -> b.urlNow().contains("facility=ill"));
      assertThat(bars(b, "chart-facility")).containsExactlyEntriesOf(Map.of("ill", "4"));
      assertThat(b.property(b.find("svg#chart-facility g.bar"), "textContent")).contains("100.00 %");
      assertThat(b.text(b.find("#active-users"))).isEqualTo("1");
      assertThat(b.text(b.find("#median-session"))).isEqualTo("4 h 00 min 00 s");

      // CSV download of the same report
      b.click(b.find("#csv"));
      Path csv = downloads.resolve("accounting-report.csv");
      WebDriver.await("the CSV download", () -> Files.exists(csv));
      String text = Files.readString(csv, StandardCharsets.UTF_8);
      assertThat(text.split("\r\n")).containsExactly(
          "from,to,facility,community,proposal,metric,value,late_value,late,unique_users,unique_proposals",
          "2025-11-01T00:00:00Z,2025-12-01T00:00:00Z,ill,saxs,ill:9-10-1650,cpu_core_hours,4,4,true,1,1");

      // a bad period: a human page naming the field, the form kept
      b.get(base + "/accounting/reports?period=2026-13");
      assertThat(b.text(b.find("#error"))).startsWith("period:");
      assertThat(b.attribute(b.find("#period"), "value")).isEqualTo("2026-13");

      // the session cookie: HttpOnly, SameSite=Lax, for the accounting service only; a sign-out without the
      // page's CSRF token (another site's form) is refused and the session stays
      b.get(base + "/accounting/reports?period=2025-11");
      io.vertx.core.json.JsonObject cookie = b.cookie("panosc_acct_session");
      assertThat(cookie.getBoolean("httpOnly")).isTrue();
      assertThat(cookie.getString("sameSite")).isEqualTo("Lax");
      assertThat(cookie.getString("path")).isEqualTo("/accounting");
      HttpResponse<String> forged = Http.send(HttpRequest.newBuilder(URI.create(base + "/accounting/reports/logout"))
          .header("Cookie", "panosc_acct_session=" + cookie.getString("value"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("csrf=guessed")).build());
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("CSRF check");
      HttpResponse<String> csvWithSession = Http.send(HttpRequest.newBuilder(URI.create(base
          + "/accounting/reports/report.csv?period=2025-11&groupBy=facility&metric=cpu_core_hours"))
          .header("Cookie", "panosc_acct_session=" + cookie.getString("value")).GET().build());
      assertThat(csvWithSession.statusCode()).isEqualTo(200);
      assertThat(csvWithSession.body()).contains("\r\n2025-11-01T00:00:00Z,2025-12-01T00:00:00Z,esrf,cpu_core_hours,16,");

      // sign out: the page session ends, the broker is asked to end its own
      b.click(b.find("#logout"));
      WebDriver.await("the broker's sign-out page", () -> b.urlNow().startsWith(base + "/aai/logout"));
      b.get(base + "/accounting/reports/report.csv?period=2025-11");
      assertThat(b.text(b.find("#message"))).contains("needs a signed-in report reader");
    }
  }

  @Test
  void reportPageWhenUserWithoutRoleThenForbiddenPage() throws Exception {
    try (WebDriver b = new WebDriver(downloads.resolve("alice"))) {
      signIn(b, "alice", "");
      WebDriver.await("the 403 page", () -> b.has("#forbidden"));
      assertThat(b.title()).isEqualTo("Accounting reports: access denied");
      assertThat(b.text(b.find("#forbidden"))).isEqualTo("You may not read accounting reports");
      assertThat(b.findAll("svg")).isEmpty();
      b.get(base + "/accounting/reports/report.csv?period=2025-11");
      assertThat(b.findAll("#forbidden")).hasSize(1);
    }
  }

  @Test
  void reportPageWhenAnsweredThenScriptFreeCspAndHumanErrorPages() {
    HttpResponse<String> callback = Http.get(base + "/accounting/reports/callback?code=x&state=y");
    assertThat(callback.statusCode()).isEqualTo(400);
    assertThat(callback.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(callback.body()).contains("not started in this browser");
    String csp = callback.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("script-src")
        .doesNotContain("unsafe-inline");
    HttpResponse<String> start = Http.send(HttpRequest.newBuilder(URI.create(base + "/accounting/reports?period=2025-11"))
        .GET().build());
    assertThat(start.statusCode()).isEqualTo(302);
    assertThat(start.headers().firstValue("Location").orElse("")).startsWith(base + "/aai/authorize?")
        .contains("code_challenge_method=S256").contains("client_id=accounting-reports");
    assertThat(start.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith("panosc_acct_login=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
    assertThat(Stream.of("/accounting/reports/callback?error=access_denied&state=y")
        .map(p -> Http.get(base + p).statusCode())).containsExactly(403);
  }
}
