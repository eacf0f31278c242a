package eu.panosc.aai;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import eu.panosc.platform.service.Platform;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo federation's published client secrets work with --demo and are refused without it. */
class DemoCredentialsIT {
  @TempDir
  Path dataDir;

  static TokenResponse adminToken(Platform p) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(p.baseUrl() + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new ClientCredentialsGrant(), null).toHTTPRequest().send());
  }

  private static java.net.HttpCookie cookie(String csrf) {
    java.net.HttpCookie c = new java.net.HttpCookie("panosc_aai_csrf", csrf);
    c.setPath("/aai");
    c.setVersion(0);
    return c;
  }

  @Test
  void demoSecretWhenNotInDemoModeThenInvalidClient() throws Exception {
    Platform demo = AaiPlatform.start(dataDir, true, Map.of());
    try {
      assertThat(adminToken(demo).indicatesSuccess()).isTrue();
    } finally {
      demo.stop().get(60, TimeUnit.SECONDS);
    }
    Platform production = AaiPlatform.start(dataDir, false, Map.of());
    try {
      TokenResponse refused = adminToken(production);
      assertThat(refused.indicatesSuccess()).isFalse();
      assertThat(((TokenErrorResponse) refused).getErrorObject().getCode()).isEqualTo("invalid_client");

      // the demo login connector does not exist: the demo users cannot log in, and the demo clients are unknown
      String base = production.baseUrl().toString();
      Browser browser = new Browser();
      String csrf = "A".repeat(43);
      browser.cookies.getCookieStore().add(java.net.URI.create(base), cookie(csrf));
      var login = browser.post(base + "/aai/login", java.util.Map.of("req", "x", "csrf", csrf, "username", "alice",
          "password", "alice-demo-pw"));
      assertThat(login.statusCode()).isEqualTo(403);
      assertThat(login.body()).contains("only when the control plane runs with --demo");
      assertThat(login.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("panosc_aai_session="));
      AuthorizationCodeFlowIT.assertPersonReadable(login.body());
      var authorize = browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id=panosc-cli"
          + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback");
      assertThat(authorize.statusCode()).isEqualTo(400);
      assertThat(authorize.headers().firstValue("Location")).isEmpty();
      assertThat(authorize.body()).contains("Unknown application");
    } finally {
      production.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
