package eu.panosc.pdp.subject;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's end-to-end case: bob signs in over OpenID Connect through Keycloak (the eduTEAMS stand-in, the JVM's
 * {@link KeycloakHarness}; a realm made here with bob, his community id {@code voperson_id} and an eduTEAMS entitlement
 * for the ESRF proposal MX-2415) at the ESRF client of the demo federation (registry, aai-broker, PDP in one platform,
 * the PDP trusting eduteams.org entitlements); the facility service passes his token's {@code eduperson_entitlement}
 * to the PDP with his pairwise {@code sub}, and the PDP treats him as a member of MX-2415 (he reads its embargoed
 * dataset), which he is nowhere else (without the entitlement: denied).
 */
class OidcEntitlementMembershipIT {
  private static final String REALM = "panosc-oidc-pdp";
  private static final String SECRET = "broker-kc-secret-pdp";
  private static final String REDIRECT = "http://localhost:3000/auth/callback";
  private static final String MX_EMBARGOED = "10.15151/ESRF-DC-2415001";
  private static final Pattern KC_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
  private static final Pattern OIDC_LINK = Pattern.compile("href=\"(oidc/login\\?[^\"]+)\"");

  @TempDir
  static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    keycloak = KeycloakHarness.shared();
    JsonObject profile = new JsonObject().put("unmanagedAttributePolicy", "ENABLED").put("attributes", new JsonArray(
        List.of("username", "email", "firstName", "lastName").stream().map(n -> new JsonObject().put("name", n)
            .put("displayName", "${" + n + "}").put("permissions", new JsonObject().put("view", new JsonArray()
                .add("admin").add("user")).put("edit", new JsonArray().add("admin"))).put("multivalued", false))
            .toList()));
    JsonObject realm = new JsonObject().put("realm", REALM).put("enabled", true).put("sslRequired", "none")
        .put("components", new JsonObject().put("org.keycloak.userprofile.UserProfileProvider", new JsonArray()
            .add(new JsonObject().put("providerId", "declarative-user-profile").put("subComponents", new JsonObject())
                .put("config", new JsonObject().put("kc.user.profile.config", new JsonArray().add(profile.encode()))))))
        .put("users", new JsonArray().add(new JsonObject().put("username", "bob").put("enabled", true)
            .put("emailVerified", true).put("firstName", "Bob").put("lastName", "Eduteams")
            .put("email", "bob@eduteams.test").put("attributes", new JsonObject()
                .put("vopersonId", new JsonArray().add("bob-cuid-pdp-1@eduteams.org"))
                .put("entitlement", new JsonArray().add("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member"
                    + "#eduteams.org")))
            .put("credentials", new JsonArray().add(new JsonObject().put("type", "password").put("value", "bob-kc-pw")
                .put("temporary", false)))));
    Path json = Files.writeString(dataDir.resolve("realm.json"), realm.encode());
    keycloak.importRealm(json);
    String issuer = keycloak.baseUrl() + "/realms/" + REALM;
    Map<String, String> config = new HashMap<>();
    config.put("services.aai.upstreams.eduteams.oidc.profile", "eduteams");
    config.put("services.aai.upstreams.eduteams.oidc.issuer", issuer);
    config.put("services.aai.upstreams.eduteams.oidc.clientId", "panosc-broker");
    config.put("services.aai.upstreams.eduteams.oidc.clientSecret", SECRET);
    config.put("services.aai.upstreams.eduteams.oidc.scopes", "openid profile email");
    config.put("services.pdp.trustedEntitlementAuthorities", "eduteams.org");
    platform = PlatformLauncher.start(dataDir.resolve("var"), List.of(new RegistryApplication(), new AaiApplication(),
        new PdpApplication()), true, config, Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    JsonObject mapper = new JsonObject().put("protocol", "openid-connect")
        .put("protocolMapper", "oidc-usermodel-attribute-mapper");
    JsonObject client = new JsonObject().put("clientId", "panosc-broker").put("protocol", "openid-connect")
        .put("publicClient", false).put("secret", SECRET).put("standardFlowEnabled", true)
        .put("redirectUris", new JsonArray().add(base + "/aai/oidc/callback"))
        .put("protocolMappers", new JsonArray()
            .add(mapper.copy().put("name", "voperson_id").put("config", new JsonObject().put("user.attribute",
                "vopersonId").put("claim.name", "voperson_id").put("jsonType.label", "String")
                .put("id.token.claim", "true").put("access.token.claim", "true").put("userinfo.token.claim", "true")))
            .add(mapper.copy().put("name", "eduperson_entitlement").put("config", new JsonObject()
                .put("user.attribute", "entitlement").put("claim.name", "eduperson_entitlement")
                .put("jsonType.label", "String").put("multivalued", "true").put("id.token.claim", "true")
                .put("userinfo.token.claim", "true"))));
    HttpResponse<String> created = keycloak.admin("POST", "/realms/" + REALM + "/clients", client.encode());
    assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  /** Bob's access token at scicat-esrf, signed in through Keycloak (registration and consent answered). */
  private static String bobsEsrfToken() {
    PairwiseSubjectIT.Browser browser = new PairwiseSubjectIT.Browser();
    HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&client_id=scicat-esrf"
        + "&scope=openid&state=s1&redirect_uri=" + PairwiseSubjectIT.enc(REDIRECT));
    Matcher link = OIDC_LINK.matcher(page.body());
    assertThat(link.find()).as(page.body()).isTrue();
    HttpResponse<String> toOp = browser.get(base + "/aai/" + link.group(1).replace("&amp;", "&"));
    HttpResponse<String> kc = browser.get(toOp.headers().firstValue("Location").orElseThrow());
    Matcher form = KC_FORM.matcher(kc.body());
    assertThat(form.find()).as(kc.body()).isTrue();
    HttpResponse<String> back = browser.send(HttpRequest.newBuilder(URI.create(form.group(1).replace("&amp;", "&")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=bob-kc-pw&credentialId=")).build());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    page = browser.get(back.headers().firstValue("Location").orElseThrow());
    if (page.statusCode() == 200 && page.body().contains("action=\"../register\"")) {
      page = submit(browser, page, "/aai/register", Map.of("name", "Bob Eduteams", "email", "bob@eduteams.test",
          "terms", "accept"));
    }
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = submit(browser, page, "/aai/consent", Map.of("decision", "approve"));
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    String location = page.headers().firstValue("Location").orElseThrow();
    String code = Pattern.compile("[?&]code=([^&]+)").matcher(location).results().findFirst().orElseThrow().group(1);
    HttpResponse<String> token = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", PairwiseSubjectIT.basic("scicat-esrf"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&redirect_uri="
            + PairwiseSubjectIT.enc(REDIRECT) + "&code=" + code)).build());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    return new JsonObject(token.body()).getString("access_token");
  }

  /** Posts the page's form (its hidden fields plus {@code fields}) to {@code path} of this platform. */
  private static HttpResponse<String> submit(PairwiseSubjectIT.Browser browser, HttpResponse<String> page, String path,
      Map<String, String> fields) {
    Map<String, String> all = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(page.body());
    while (m.find()) {
      all.put(m.group(1), m.group(2).replace("&amp;", "&"));
    }
    all.putAll(fields);
    return browser.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(PairwiseSubjectIT.form(all))).build());
  }

  @Test
  void evaluationWhenBobSignedInOverOidcWithTheEsrfEntitlementThenThePdpTreatsHimAsAMember() {
    String jwt = bobsEsrfToken();
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
        StandardCharsets.UTF_8));
    JsonArray entitlements = claims.getJsonArray("eduperson_entitlement");
    assertThat(entitlements).as(claims.encode()).isNotNull();
    String evaluate = PairwiseSubjectIT.clientTokenAt(base, "scicat-esrf", "pdp:evaluate");

    JsonObject subject = new JsonObject().put("type", "user").put("id", claims.getString("sub"))
        .put("properties", new JsonObject().put("facility", "esrf").put("entitlements", entitlements));
    JsonObject member = evaluate(evaluate, subject);
    JsonObject without = evaluate(evaluate, new JsonObject().put("type", "user").put("id", claims.getString("sub"))
        .put("properties", new JsonObject().put("facility", "esrf")));

    assertThat(member.getBoolean("decision")).as(member.encode()).isTrue();
    assertThat(without.getBoolean("decision")).as("bob is a member only through his eduTEAMS entitlement: "
        + without.encode()).isFalse();
  }

  private static JsonObject evaluate(String token, JsonObject subject) {
    HttpResponse<String> r = Http.sendJson("POST", base + "/pdp/access/v1/evaluation", token, new JsonObject()
        .put("subject", subject).put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", MX_EMBARGOED))
        .put("context", new JsonObject().put("time", PairwiseSubjectIT.NOW)).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
