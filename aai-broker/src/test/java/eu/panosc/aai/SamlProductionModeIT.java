package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without --demo the SP metadata is served and the demo UmbrellaID stand-in does not exist (nor its key). */
class SamlProductionModeIT {
  @TempDir
  Path dataDir;

  @Test
  void startWhenNotInDemoModeThenSpMetadataButNoDemoIdp() throws Exception {
    Platform production = AaiPlatform.start(dataDir, false, Map.of());
    try {
      String base = production.baseUrl().toString().replaceAll("/+$", "");
      Browser browser = new Browser();
      HttpResponse<String> metadata = browser.get(base + "/aai/saml2/sp/metadata");
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("entityID=\"" + base + "/aai/saml2/sp/metadata\"");

      for (String path : new String[] {"/aai/demo/umbrellaid/metadata", "/aai/demo/umbrellaid/sso",
          "/aai/demo/umbrellaid/slo"}) {
        assertThat(browser.get(base + path).statusCode()).as(path).isEqualTo(404);
      }
      assertThat(browser.post(base + "/aai/demo/umbrellaid/login", Map.of("req", "x")).statusCode())
          .isEqualTo(404);
      var pool = production.database().pool(production.vertx(), "aai");
      try {
        assertThat(pool.query("SELECT count(*) FROM saml_demo_idp_key").execute().await().iterator().next()
            .getLong(0)).as("no demo IdP key is made outside demo mode").isZero();
      } finally {
        pool.close().await();
      }
    } finally {
      production.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
