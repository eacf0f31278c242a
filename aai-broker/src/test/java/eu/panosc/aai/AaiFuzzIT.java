package eu.panosc.aai;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.DemoTokens;
import eu.panosc.platform.testing.FuzzCampaign;
import eu.panosc.platform.testing.FuzzFindings;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.OpenApiFuzzer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of the aai-broker's OpenAPI document, plus the browser form endpoints it describes only in prose
 * (POST /authorize, /login, /consent, /device, /logout, /logout/confirm), driven with hostile inputs
 * ({@link OpenApiFuzzer}), including broken urlencoding: never a 5xx or a stack trace; afterwards the broker is
 * ready, still issues and introspects tokens, and starts again on the same data.
 */
class AaiFuzzIT {
  static final String REDIRECT = "http://localhost:3000/auth/callback";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  /** OAuth endpoints where the demo client scicat-esrf authenticates with client_secret_basic. */
  static final Set<String> CLIENT_AUTH = Set.of("/token", "/introspect", "/revoke", "/par");

  @TempDir
  Path dataDir;

  static FuzzFindings fuzz(Platform platform) {
    String base = platform.baseUrl().toString().replaceAll("/+$", "");
    DemoTokens tokens = new DemoTokens(platform.baseUrl());
    String victim = tokens.token("scicat-esrf", "pdp:evaluate");
    // a real login page: its request handle and CSRF cookie make the form posts get past the first checks
    Browser browser = new Browser();
    var page = browser.get(base + "/aai/authorize?response_type=code&client_id=scicat-esrf&scope=openid&state=s"
        + "&redirect_uri=" + Browser.enc(REDIRECT));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    String req = Browser.hidden(page.body()).getOrDefault("req", "fuzz");
    String csrf = browser.cookie("panosc_aai_csrf");
    String cookie = "panosc_aai_csrf=" + csrf;
    return OpenApiFuzzer.forService("aai-broker", URI.create(base + "/aai"))
        .headers(op -> {
          if (CLIENT_AUTH.contains(op.template())) {
            return Map.of("Authorization", DemoTokens.basic("scicat-esrf"));
          }
          if (op.template().equals("/v1/resolve") || op.template().equals("/userinfo")) {
            return Map.of("Authorization", "Bearer " + tokens.token("pdp-admin", "aai:resolve"));
          }
          return Map.of("Cookie", cookie);
        })
        .formEndpoint("POST", "/authorize", "response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
            "code_challenge", "code_challenge_method")
        .formEndpoint("POST", "/login", "req", "csrf", "username", "password")
        .formEndpoint("POST", "/consent", "req", "csrf", "decision")
        .formEndpoint("POST", "/device", "step", "user_code", "csrf", "username", "password")
        .formEndpoint("POST", "/logout", "client_id", "post_logout_redirect_uri", "state")
        .formEndpoint("POST", "/logout/confirm", "csrf", "decision", "client_id", "post_logout_redirect_uri", "state")
        .example("response_type", "code")
        .example("client_id", "scicat-esrf")
        .example("redirect_uri", REDIRECT)
        .example("scope", "openid profile")
        .example("state", "xyz")
        .example("nonce", "n-0S6_WzA2Mj")
        .example("code_challenge", CHALLENGE)
        .example("code_challenge_method", "S256")
        .example("req", req)
        .example("csrf", csrf)
        .example("username", "alice")
        .example("password", "wrong-password")
        .example("decision", "deny")
        .example("step", "code")
        .example("user_code", "BCDF-GHJK")
        .example("post_logout_redirect_uri", "https://fuzz.example/bye")
        .example("/device_authorization client_id", "panosc-cli")
        .baseline("POST", "/token", "grant_type=client_credentials&scope=pdp%3Aevaluate")
        .baseline("POST", "/introspect", "token=" + victim + "&token_type_hint=access_token")
        .baseline("POST", "/revoke", "token=" + victim + "&token_type_hint=access_token")
        .baseline("POST", "/par", "response_type=code&redirect_uri=" + Browser.enc(REDIRECT)
            + "&scope=openid%20profile&state=xyz&code_challenge=" + CHALLENGE + "&code_challenge_method=S256")
        .baseline("POST", "/device_authorization", "client_id=panosc-cli&scope=openid%20profile")
        .baseline("POST", "/v1/resolve", "{\"sub\":\"fuzz-sub\",\"facility\":\"esrf\"}")
        .run();
  }

  static void stillIssuesTokens(Platform platform) {
    String base = platform.baseUrl().toString().replaceAll("/+$", "");
    assertThat(Http.get(base + "/aai/health/ready").statusCode()).isEqualTo(200);
    assertThat(Http.get(base + "/aai/.well-known/openid-configuration").statusCode()).isEqualTo(200);
    assertThat(Http.get(base + "/aai/jwks").statusCode()).isEqualTo(200);
    String token = new DemoTokens(platform.baseUrl()).fresh("pdp-admin", "pdp:evaluate");
    var introspection = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/introspect"))
        .header("Authorization", DemoTokens.basic("scicat-esrf"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build());
    assertThat(introspection.statusCode()).as(introspection.body()).isEqualTo(200);
    assertThat(new JsonObject(introspection.body()).getBoolean("active")).isTrue();
  }

  @Test
  void everyRouteWhenFuzzedThenNoServerErrorNoLeakAndStillIssuesTokensAfterRestart() throws Exception {
    FuzzCampaign.run("aai-broker", () -> AaiPlatform.start(dataDir, true, Map.of()), AaiFuzzIT::stillIssuesTokens,
        AaiFuzzIT::fuzz);
  }
}
