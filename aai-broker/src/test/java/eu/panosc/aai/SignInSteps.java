package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Steps the browser-level ITs of the demo federation share (a fixture, no tests of its own): the registry admin's
 * token, restricted clients, the discovery page's upstream links, the UmbrellaID stand-in's SAML login, forms and
 * hidden fields of the broker's pages, and scicat-esrf's code exchange. Each step asserts what it relies on.
 */
final class SignInSteps {
  /** scicat-esrf's registered redirect URI (demo federation). */
  static final String ESRF_REDIRECT = "http://localhost:3000/auth/callback";
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">");

  private SignInSteps() {}

  /** A {@code registry:admin} token of the demo client {@code registry-admin}, from the broker at {@code base}. */
  /** A fresh 2048-bit RSA key {@code kid} for an in-test OP. */
  static com.nimbusds.jose.jwk.RSAKey rsaKey(String kid) {
    try {
      return new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An in-test OP's discovery document: its endpoints under {@code issuer}. */
  static JsonObject discovery(String issuer) {
    return new JsonObject().put("issuer", issuer).put("authorization_endpoint", issuer + "/auth")
        .put("token_endpoint", issuer + "/token").put("userinfo_endpoint", issuer + "/userinfo")
        .put("jwks_uri", issuer + "/jwks");
  }

  /** Stops the platform, then the in-test servers' Vert.x (either may be null: its start failed). */
  static void stop(eu.panosc.platform.service.Platform platform, io.vertx.core.Vertx vertx) throws Exception {
    if (platform != null) {
      platform.stop().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  static String registryAdminToken(String base) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new ClientCredentialsGrant(), new Scope("registry:admin")).toHTTPRequest().send()).toSuccessResponse()
        .getTokens().getAccessToken().getValue();
  }

  /** A public client {@code id} whose users may sign in only through {@code upstream}, approved in the registry. */
  static void restrictedClient(String base, String admin, String id, String upstream) {
    JsonObject c = new JsonObject().put("clientId", id).put("type", "public")
        .put("grantTypes", new JsonArray().add("authorization_code"))
        .put("redirectUris", new JsonArray().add("http://localhost:9/cb/" + id))
        .put("scopes", new JsonArray().add("openid")).put("allowedUpstreams", new JsonArray().add(upstream));
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, c.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/clients/" + id + "/approve", admin, null)
        .statusCode()).isEqualTo(200);
  }

  /** scicat-esrf's authorization request at {@code base}, plus {@code extra} parameters. */
  static String esrfAuthorize(String base, String extra) {
    return base + "/aai/authorize?response_type=code&scope=openid&client_id=scicat-esrf&state=e&redirect_uri="
        + Browser.enc(ESRF_REDIRECT) + extra;
  }

  /** The page's link to {@code upstream} (HTML-unescaped, relative to the page), or null. */
  static String upstreamLink(HttpResponse<String> page, String upstream) {
    Matcher m = UPSTREAM_LINK.matcher(page.body());
    while (m.find()) {
      String href = m.group(1).replace("&amp;", "&");
      if (href.matches(".*[?&]upstream=" + Pattern.quote(upstream) + "(&.*)?")) {
        return href;
      }
    }
    return null;
  }

  /** Resolves a Location (absolute path or relative) against the URL it answered. */
  static String follow(String from, HttpResponse<String> r) {
    return URI.create(from).resolve(Browser.location(r)).toString();
  }

  /**
   * From a sign-in page served at {@code pageUrl}: its UmbrellaID link, the stand-in IdP's login as {@code user}, the
   * auto-post to the broker's ACS; the ACS's answer.
   */
  static HttpResponse<String> throughUmbrellaId(Browser browser, String base, String pageUrl,
      HttpResponse<String> page, String user) {
    String link = upstreamLink(page, "umbrellaid");
    assertThat(link).as(page.body()).isNotNull();
    HttpResponse<String> toIdp = browser.get(URI.create(pageUrl).resolve(link).toString());
    assertThat(toIdp.statusCode()).as(toIdp.body()).isEqualTo(303);
    Map<String, String> form = Browser.hidden(browser.get(Browser.location(toIdp)).body());
    form.put("username", user);
    form.put("password", user + "-demo-pw");
    HttpResponse<String> post = browser.post(base + "/aai/demo/umbrellaid/login", form);
    assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
    return browser.post(base + "/aai/saml2/sp/acs", Browser.hidden(post.body()));
  }

  /** The hidden fields of the first form posting to {@code action}. */
  static Map<String, String> form(HttpResponse<String> page, String action) {
    return form(page, action, null, null);
  }

  /** The hidden fields of the form posting to {@code action} whose hidden {@code field} is {@code value} (null: any). */
  static Map<String, String> form(HttpResponse<String> page, String action, String field, String value) {
    Matcher m = Pattern.compile("<form method=\"post\" action=\"" + Pattern.quote(action) + "\">(.*?)</form>")
        .matcher(page.body());
    while (m.find()) {
      Map<String, String> hidden = Browser.hidden(m.group(1));
      if (field == null || value.equals(hidden.get(field))) {
        return new HashMap<>(hidden);
      }
    }
    throw new AssertionError("no form to " + action + " with " + field + "=" + value + " in " + page.body());
  }

  /** The values of every hidden input {@code name} on the page, HTML-unescaped. */
  static List<String> hiddenValues(HttpResponse<String> page, String name) {
    Matcher m = Pattern.compile("<input type=\"hidden\" name=\"" + name + "\" value=\"([^\"]*)\">").matcher(page.body());
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1).replace("&amp;", "&"));
    }
    return out;
  }

  /** The {@code code} of an authorization response redirect. */
  static String code(HttpResponse<String> redirect) {
    String location = Browser.location(redirect);
    return Arrays.stream(URI.create(location).getRawQuery().split("&")).filter(p -> p.startsWith("code="))
        .map(p -> URLDecoder.decode(p.substring(5), StandardCharsets.UTF_8)).findFirst()
        .orElseThrow(() -> new AssertionError(location));
  }

  /** The ID token's {@code sub} for scicat-esrf (facility esrf) from {@code code}, exchanged at {@code base}. */
  static String esrfSub(String base, String code) {
    String body = "grant_type=authorization_code&code=" + Browser.enc(code) + "&redirect_uri="
        + Browser.enc(ESRF_REDIRECT);
    HttpResponse<String> tokens = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "scicat-esrf:scicat-esrf-demo-secret".getBytes(StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return new JsonObject(new String(Base64.getUrlDecoder().decode(new JsonObject(tokens.body())
        .getString("id_token").split("\\.")[1]), StandardCharsets.UTF_8)).getString("sub");
  }
}
