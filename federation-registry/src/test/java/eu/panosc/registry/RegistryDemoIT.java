package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo federation is registered once in demo mode and invisible to readers outside it. */
class RegistryDemoIT {
  @TempDir
  Path dataDir;

  @Test
  void demoWhenStartedThenSeededOnceApprovedAndHiddenOutsideDemo() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Platform demo = RegistryPlatform.start(dataDir, issuer, true);
      String api = demo.baseUrl() + "/registry";
      String reader = issuer.token(api, "resource-broker", "registry:read");
      JsonObject scicat = new JsonObject(Http.getAuthorized(api + "/v1/clients/scicat-esrf", reader).body());
      assertThat(scicat.getString("state")).isEqualTo("approved");
      assertThat(scicat.getBoolean("demo")).isTrue();
      assertThat(scicat.getString("facility")).isEqualTo("esrf");
      assertThat(scicat.encode()).doesNotContain("scicat-esrf-demo-secret");
      assertThat(new JsonObject(Http.getAuthorized(api + "/v1/clusters", reader).body()).getJsonArray("items"))
          .hasSize(7);
      demo.stop().get(60, TimeUnit.SECONDS);

      Platform again = RegistryPlatform.start(dataDir, issuer, true);
      String api2 = again.baseUrl() + "/registry";
      String admin2 = issuer.token(api2, "registry-admin", "registry:admin");
      assertThat(new JsonObject(Http.getAuthorized(api2 + "/admin/v1/audit?limit=1000", admin2).body())
          .getJsonArray("items")).as("a second demo start registers nothing again").hasSize(22);
      again.stop().get(60, TimeUnit.SECONDS);

      Platform production = RegistryPlatform.start(dataDir, issuer, false);
      String api3 = production.baseUrl() + "/registry";
      String reader3 = issuer.token(api3, "resource-broker", "registry:read");
      assertThat(Http.getAuthorized(api3 + "/v1/clients/scicat-esrf", reader3).statusCode()).isEqualTo(404);
      assertThat(new JsonObject(Http.getAuthorized(api3 + "/v1/facilities", reader3).body()).getJsonArray("items"))
          .isEmpty();
      production.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
