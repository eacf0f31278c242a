package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The demo federation's published client secrets work with --demo and are refused without it. */
class DemoCredentialsIT {
  @TempDir
  Path dataDir;

  static TokenResponse adminToken(Platform p) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(p.baseUrl() + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new ClientCredentialsGrant(), null).toHTTPRequest().send());
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
    } finally {
      production.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
