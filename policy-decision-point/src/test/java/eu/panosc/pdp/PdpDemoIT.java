package eu.panosc.pdp;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With --demo the PDP holds the demo federation's data and decides as docs/demo.md says. */
class PdpDemoIT {
  @TempDir
  Path dataDir;

  private static boolean decide(PdpPlatform.Client pdp, String user, String action, String pid) {
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user + "@demo.panosc.eu"))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", "2026-11-26T12:00:00Z")).encode();
    return new JsonObject(pdp.post("/access/v1/evaluation", body).body()).getBoolean("decision");
  }

  @Test
  void startWhenDemoThenFixtureSeededAndStartedTwiceIdempotently() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      for (int run = 0; run < 2; run++) {
        Platform platform = PdpPlatform.start(dataDir, issuer, true, Map.of());
        try {
          PdpPlatform.Client pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
          assertThat(decide(pdp, "alice", "read", "10.15151/ESRF-DC-2415001")).isTrue();
          assertThat(decide(pdp, "bob", "read", "10.15151/ESRF-DC-2415001")).isTrue();
          assertThat(decide(pdp, "bob", "publish", "10.15151/ESRF-DC-2415001")).isFalse();
          assertThat(decide(pdp, "alice", "publish", "10.15151/ESRF-DC-2415001")).isTrue();
          assertThat(decide(pdp, "dave", "read", "10.15151/ESRF-DC-2415001")).isFalse();
          assertThat(decide(pdp, "dave", "read", "10.15151/ESRF-DC-2415002")).isTrue();
          assertThat(decide(pdp, "dave", "analyse", "10.15151/ESRF-ES-4410001")).isTrue();
          assertThat(decide(pdp, "carol", "read", "10.5291/ILL-DATA.9-10-1650")).isTrue();
          assertThat(decide(pdp, "carol", "publish", "10.5291/ILL-DATA.9-10-1650")).isTrue();
          assertThat(decide(pdp, "carol", "read", "10.22003/XFEL.EU-DATA-002712-00")).isFalse();
          assertThat(decide(pdp, "bob", "read", "10.22003/XFEL.EU-DATA-002712-00")).isTrue();
          PdpPlatform.Client admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
          JsonObject ds = new JsonObject(admin.get("/v1/datasets/10.15151/ESRF-DC-2415001").body());
          assertThat(ds.getString("releaseDate")).isEqualTo("2028-03-14T08:00:00Z");
          assertThat(new JsonObject(admin.get("/v1/policies").body()).getJsonArray("policies")).hasSize(1);
        } finally {
          platform.stop().get();
        }
      }
    }
  }
}
