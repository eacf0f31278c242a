package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First-login registration in demo mode: dave (not pre-registered by the fixture) signs in through the demo UmbrellaID
 * stand-in and gets the registration page (name prefilled, e-mail to confirm, the configured terms of use); he is
 * stored only when he submits it with the terms accepted (CSRF-checked); an edited e-mail is kept unverified; his next
 * login goes straight on, and a new terms version asks again. The pre-registered demo users never see the page.
 */
class UserRegistrationIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">");
  @TempDir
  static Path dataDir;
  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of("services.aai.termsOfUse.url",
        "https://federation.example/terms", "services.aai.termsOfUse.version", "2031-07"));
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  /** Through the stand-in to the ACS for {@code user}; the page the broker answers the ACS with. */
  static HttpResponse<String> samlLogin(Browser browser, String user) {
    HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id="
        + "panosc-cli&state=s&redirect_uri=" + Browser.enc("http://127.0.0.1/callback") + "&code_challenge="
        + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    Matcher link = UPSTREAM_LINK.matcher(page.body());
    assertThat(link.find()).as(page.body()).isTrue();
    HttpResponse<String> idp = browser.get(Browser.location(browser.get(base + "/aai/" + link.group(1)
        .replace("&amp;", "&"))));
    Map<String, String> fields = Browser.hidden(idp.body());
    if (!fields.containsKey("SAMLResponse")) {
      fields.put("username", user);
      fields.put("password", user + "-demo-pw");
      fields = Browser.hidden(browser.post(base + "/aai/demo/umbrellaid/login", fields).body());
    }
    return browser.post(base + "/aai/saml2/sp/acs", fields);
  }

  /**
   * The user a SAML login through the stand-in keyed on for the demo user {@code id}: its subject-id, which passes the
   * scope check against the stand-in's {@code shibmd:Scope}.
   */
  static Row user(String id) {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      var rows = pool.preparedQuery("SELECT attributes, terms_version, email_verified, terms_accepted_at FROM app_user"
          + " WHERE id = $1").execute(Tuple.of(id)).await();
      return rows.size() == 0 ? null : rows.iterator().next();
    } finally {
      pool.close().await();
    }
  }

  /** How many broker sessions Single Logout remembers for the stand-in's NameID of the demo user {@code id}. */
  static long samlSessions(String id) {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      String samlId = eu.panosc.aai.saml.idp.DemoIdp.persistentUserId(base + "/aai", base
          + "/aai/saml2/sp/metadata", id);
      return pool.preparedQuery("SELECT count(*) FROM saml_session WHERE idp_entity_id || '!' || name_id = $1")
          .execute(Tuple.of(samlId)).await().iterator().next().getLong(0);
    } finally {
      pool.close().await();
    }
  }

  static void sql(String statement) {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      pool.query(statement).execute().await();
    } finally {
      pool.close().await();
    }
  }

  @Test
  void firstLoginWhenNotRegisteredThenRegistrationPageAndTheUserOnlyOnSubmitThenNeverAgainUntilTermsChange() {
    Browser browser = new Browser();
    HttpResponse<String> page = samlLogin(browser, "dave");

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Welcome").contains("first sign-in").contains("value=\"Dave Jensen\"")
        .contains("value=\"dave@example.org\"").contains("href=\"https://federation.example/terms\"")
        .contains("(version 2031-07)").contains("action=\"../../register\"");
    assertThat(browser.cookie("panosc_aai_session")).as("no session before registering").isNull();
    assertThat(user("dave@demo.panosc.eu")).as("nothing stored before the submit").isNull();
    assertThat(samlSessions("dave@demo.panosc.eu")).isZero();
    Map<String, String> form = Browser.hidden(page.body());
    form.put("name", "Dave Jensen");
    form.put("email", "dave@home.example");

    HttpResponse<String> noTerms = browser.post(base + "/aai/register", form);
    assertThat(noTerms.statusCode()).isEqualTo(400);
    assertThat(noTerms.body()).contains("accept its terms of use (version 2031-07)")
        .contains("value=\"dave@home.example\"");
    assertThat(user("dave@demo.panosc.eu")).isNull();

    Map<String, String> forged = new HashMap<>(form);
    forged.put("terms", "accept");
    forged.put("csrf", "A".repeat(43));
    HttpResponse<String> csrf = browser.post(base + "/aai/register", forged);
    assertThat(csrf.statusCode()).isEqualTo(403);
    assertThat(user("dave@demo.panosc.eu")).isNull();

    form.put("terms", "accept");
    form.put("email", "not an address");
    assertThat(browser.post(base + "/aai/register", form).body()).contains("Please give an e-mail address");
    form.put("email", "dave@home.example");
    HttpResponse<String> consent = browser.post(base + "/aai/register", form);
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertThat(consent.body()).contains("Allow access?").contains("Dave Jensen");
    assertThat(browser.cookie("panosc_aai_session")).isNotNull();
    Row dave = user("dave@demo.panosc.eu");
    assertThat(dave.getString(1)).isEqualTo("2031-07");
    assertThat(dave.getBoolean(2)).as("an edited e-mail is not verified").isFalse();
    assertThat(dave.getJsonObject(0).getString("email")).isEqualTo("dave@home.example");
    assertThat(dave.getOffsetDateTime(3)).isNotNull();
    assertThat(samlSessions("dave@demo.panosc.eu")).as("Single Logout knows the session started on submit")
        .isEqualTo(1);

    HttpResponse<String> again = browser.post(base + "/aai/register", form);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("Registration expired").doesNotContain("Exception");

    assertThat(samlLogin(new Browser(), "dave").body()).as("registered: straight on").contains("Allow access?")
        .doesNotContain("Welcome");
    assertThat(user("dave@demo.panosc.eu").getJsonObject(0).getString("email")).as("the confirmed address stays")
        .isEqualTo("dave@home.example");

    sql("UPDATE app_user SET terms_version = '2030-01' WHERE attributes->>'name' = 'Dave Jensen'");
    HttpResponse<String> changed = samlLogin(new Browser(), "dave");
    assertThat(changed.body()).contains("Welcome").contains("terms of use have changed");
  }

  @Test
  void loginWhenPreRegisteredDemoUserThenNoRegistrationPage() {
    HttpResponse<String> page = samlLogin(new Browser(), "carol");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Allow access?").doesNotContain("Welcome");
    assertThat(user("carol@demo.panosc.eu").getString(1)).isEqualTo("2031-07");
  }

  @Test
  void registerWhenUnknownHandleOrGarbageThenHumanPageNever5xx() {
    Browser browser = new Browser();
    String csrf = Browser.hidden(samlLogin(browser, "dave").body()).get("csrf");
    for (String handle : new String[] {"A".repeat(43), "nope", ""}) {
      HttpResponse<String> r = browser.post(base + "/aai/register", Map.of("reg", handle, "csrf", csrf == null
          ? "" : csrf, "name", "X", "email", "x@example.org", "terms", "accept"));
      assertThat(r.statusCode()).as(handle).isBetween(400, 499);
      assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(r.body()).doesNotContain("Exception");
    }
  }
}
