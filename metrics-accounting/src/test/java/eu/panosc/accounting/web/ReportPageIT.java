package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page's answers that need no signed-in browser, over HTTP against a real platform (embedded PostgreSQL)
 * configured with a report-page client of a test issuer ({@link LocalIssuer}, standing in for the aai-broker, which
 * the browser test in control-plane uses for real): the authorization redirect with PKCE and the state cookie,
 * and a human HTML page (never a 5xx) for every bad or unauthenticated request.
 */
class ReportPageIT {
  @TempDir
  static java.nio.file.Path dataDir;

  static LocalIssuer issuer;
  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.put("services.accounting.reportPage.clientId", "reports-test");
    overrides.put("services.accounting.reportPage.clientSecret", "reports-test-secret");
    overrides.put("services.accounting.reportPage.readerEntitlements", "urn:geant:example.org:group:ops#example.org");
    platform = PlatformLauncher.start(dataDir, List.of(new AccountingApplication()), false, overrides,
        Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "") + "/accounting";
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    issuer.close();
  }

  static HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return Http.send(b.build());
  }

  static void assertHtmlPage(HttpResponse<String> r, int status, String text) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).startsWith("<!DOCTYPE html>").contains(text).doesNotContain("<script");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'")
        .doesNotContain("script-src").doesNotContain("unsafe-inline");
  }

  @Test
  void pageWhenNotSignedInThenRedirectToIssuerWithPkceAndStateCookie() {
    for (String path : List.of("/reports", "/reports?period=2026-11&facility=esrf")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(302);
      String location = r.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith(issuer.issuer() + "/authorize?response_type=code&client_id=reports-test")
          .contains("code_challenge_method=S256").contains("&nonce=").contains("scope=openid+profile+accounting%3Aread")
          .contains("redirect_uri=" + OidcLogin.enc(base + "/reports/callback"));
      String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("panosc_acct_login="))
          .findFirst().orElseThrow();
      String state = location.replaceAll(".*[?&]state=([^&]+).*", "$1");
      assertThat(cookie).startsWith("panosc_acct_login=" + state + ";").containsIgnoringCase("httponly")
          .contains("SameSite=Lax").contains("Path=/accounting/reports").doesNotContain("Secure");
    }
  }

  @Test
  void callbackWhenBadThenHumanPagesNever5xx() {
    assertHtmlPage(get("/reports/callback?code=c&state=s"), 400, "not started in this browser");
    assertHtmlPage(get("/reports/callback?code=c&state=s", "Cookie", "panosc_acct_login=s"), 400,
        "expired or was already used");
    assertHtmlPage(get("/reports/callback?state=s"), 400, "no code or state");
    assertHtmlPage(get("/reports/callback?error=access_denied&state=s"), 403, "cancelled");
    assertHtmlPage(get("/reports/callback?error=%3Cscript%3E&state=s"), 400, "&lt;script&gt;");
    assertHtmlPage(get("/reports/callback?code=%C3%28"), 400, "could not be read");
    // a state taken by the wrong cookie cannot be replayed with the right one afterwards
    HttpResponse<String> start = get("/reports");
    String state = start.headers().firstValue("Location").orElseThrow().replaceAll(".*[?&]state=([^&]+).*", "$1");
    assertHtmlPage(get("/reports/callback?code=c&state=" + state + "&iss=https%3A%2F%2Fevil.example", "Cookie",
        "panosc_acct_login=" + state), 400, "another issuer");
  }

  @Test
  void csvAndLogoutWhenNotSignedInThenPages() {
    assertHtmlPage(get("/reports/report.csv?period=2026-11"), 401, "needs a signed-in report reader");
    assertHtmlPage(get("/reports/report.csv?period=2026-11", "Cookie", "panosc_acct_session=forged"), 401,
        "needs a signed-in report reader");
    HttpResponse<String> logout = Http.send(HttpRequest.newBuilder(URI.create(base + "/reports/logout"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=x")).build());
    assertHtmlPage(logout, 200, "not signed in");
    HttpResponse<String> css = get("/reports/page.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
  }

  @Test
  void everyRouteWhenFuzzedWithThePageConfiguredThenNoServerError() {
    eu.panosc.platform.testing.FuzzFindings findings = eu.panosc.platform.testing.OpenApiFuzzer
        .forService("metrics-accounting", URI.create(base))
        .example("period", "2026-11")
        .example("metric", "cpu_core_hours")
        .formEndpoint("POST", "/reports/logout", "csrf")
        .maxCasesPerOperation(60)
        .run();
    findings.assertNone();
    assertThat(findings.requestCount()).isGreaterThan(100);
  }
}
