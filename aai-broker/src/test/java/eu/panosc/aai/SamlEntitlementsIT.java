package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Entitlements released over SAML reach tokens only when their authority is trusted for the upstream by the
 * federation-registry: the demo registry's SAML upstream IdP {@code umbrellaid} trusts {@code demo.panosc.eu}, so alice's
 * entitlements from the demo UmbrellaID stand-in (all {@code #demo.panosc.eu}) reach the access token of a facility
 * client (which is what the PDP's proposal membership is read from: the caller passes the token's
 * {@code eduperson_entitlement} as the subject's entitlements); once an administrator replaces that list through the
 * registry's admin API, the same entitlements are foreign to the upstream and never reach the stored user or the token,
 * and the drop is logged at INFO with the count and the authority, without the person or the values. Real registry,
 * aai-broker and PostgreSQL in one demo process; no stand-in for any peer.
 */
class SamlEntitlementsIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">");
  private static final String REDIRECT_URI = "http://localhost:3000/auth/callback";
  private static final String MX = "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=pi#demo.panosc.eu";
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  @TempDir
  static Path dataDir;
  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    LOG.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(AttributeMapper.class)).addAppender(LOG);
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(AttributeMapper.class)).detachAppender(LOG);
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  private static String adminToken() throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  /** alice signs in to scicat-esrf (facility esrf) through the stand-in: the access token's claims. */
  private static JsonObject aliceAccessToken(String state) throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=scicat-esrf&state=" + state + "&redirect_uri=" + Browser.enc(REDIRECT_URI));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    Matcher link = UPSTREAM_LINK.matcher(loginPage.body());
    assertThat(link.find()).as(loginPage.body()).isTrue();
    HttpResponse<String> toIdp = browser.get(base + "/aai/" + link.group(1).replace("&amp;", "&"));
    assertThat(toIdp.statusCode()).as(toIdp.body()).isEqualTo(303);
    Map<String, String> form = Browser.hidden(browser.get(Browser.location(toIdp)).body());
    form.put("username", "alice");
    form.put("password", "alice-demo-pw");
    HttpResponse<String> post = browser.post(base + "/aai/demo/umbrellaid/login", form);
    assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
    HttpResponse<String> consent = browser.post(base + "/aai/saml2/sp/acs", Browser.hidden(post.body()));
    // the consent screen the first time; later the remembered consent sends the browser straight back
    assertThat(consent.statusCode()).as(consent.body()).isIn(200, 302);
    HttpResponse<String> redirect = consent.statusCode() == 302 ? consent : browser.consent(base, consent, true);
    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
    URI back = URI.create(Browser.location(redirect));
    String code = Arrays.stream(back.getRawQuery().split("&")).filter(p -> p.startsWith("code="))
        .map(p -> URLDecoder.decode(p.substring(5), StandardCharsets.UTF_8)).findFirst().orElseThrow();
    HttpResponse<String> tokens = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("scicat-esrf:scicat-esrf-demo-secret"
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code="
            + Browser.enc(code) + "&redirect_uri=" + Browser.enc(REDIRECT_URI))).build());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    String at = new JsonObject(tokens.body()).getString("access_token");
    return new JsonObject(new String(Base64.getUrlDecoder().decode(at.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void loginWhenTheRegistryNoLongerTrustsTheAuthorityThenItsEntitlementsNeverReachTheToken() throws Exception {
    JsonObject trusted = aliceAccessToken("e1");
    assertThat(trusted.getJsonArray("eduperson_entitlement", new JsonArray()).getList())
        .as("demo.panosc.eu is trusted for umbrellaid by the registry").contains(MX)
        .allSatisfy(e -> assertThat((String) e).endsWith("#demo.panosc.eu"));

    String token = adminToken();
    String member = base + "/registry/admin/v1/upstream-idps/umbrellaid";
    HttpResponse<String> current = Http.getAuthorized(member, token);
    assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
    JsonObject doc = new JsonObject(current.body());
    assertThat(doc.getString("protocol")).isEqualTo("saml");
    assertThat(doc.getJsonArray("trustedEntitlementAuthorities").getList()).containsExactly("demo.panosc.eu");
    JsonObject replaced = new JsonObject().put("id", "umbrellaid").put("protocol", "saml")
        .put("metadataUrl", doc.getString("metadataUrl")).put("signingCertificate", doc.getString("signingCertificate"))
        .put("displayName", doc.getString("displayName"))
        .put("trustedEntitlementAuthorities", new JsonArray().add("umbrellaid.org"));
    HttpResponse<String> put = Http.send(Http.authorized(member, token).header("Content-Type", "application/json")
        .header("If-Match", current.headers().firstValue("ETag").orElseThrow())
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(replaced.encode())).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    // the broker's registry cache follows the change feed (about a second): sign in again until it has
    JsonObject foreign = null;
    for (int i = 0; i < 20; i++) {
      foreign = aliceAccessToken("e2-" + i);
      if (!foreign.containsKey("eduperson_entitlement")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(foreign.containsKey("eduperson_entitlement"))
        .as("demo.panosc.eu is now foreign to umbrellaid: none of alice's entitlements reach the token").isFalse();
    assertThat(foreign.getString("acr")).as("the login itself went through").isNotBlank();
    List<String> info = LOG.list.stream().filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("untrusted entitlements")).toList();
    assertThat(info).anySatisfy(m -> assertThat(m).contains("upstream umbrellaid")
        .contains("authorities [demo.panosc.eu]").containsPattern("0 malformed and [1-9][0-9]* untrusted"));
    assertThat(info).allSatisfy(m -> assertThat(m).doesNotContain("alice").doesNotContain("MX-2415")
        .doesNotContain("urn:geant"));
  }
}
