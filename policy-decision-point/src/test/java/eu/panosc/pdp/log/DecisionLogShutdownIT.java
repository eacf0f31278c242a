package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decisions still queued when the platform stops are written before the pool closes. */
class DecisionLogShutdownIT {
  @TempDir
  static Path dataDir;

  @Test
  void stopWhenDecisionsQueuedThenWrittenBeforeThePoolCloses() throws Exception {
    List<String> ids = new ArrayList<>();
    try (LocalIssuer issuer = LocalIssuer.start()) {
      // the timer would write after an hour, a batch only at 5000 rows: only the shutdown writes
      Platform first = PdpPlatform.start(dataDir, issuer, true, Map.of(
          "services.pdp.decisionLog.flushInterval", "1h", "services.pdp.decisionLog.batchSize", "5000"));
      try {
        PdpPlatform.Client pep = PdpPlatform.Client.of(first, issuer, "pdp:evaluate");
        PdpPlatform.Client admin = PdpPlatform.Client.of(first, issuer, "pdp:admin");
        for (int i = 0; i < 3; i++) {
          ids.add(new JsonObject(pep.post("/access/v1/evaluation", DecisionLogIT.evalRequest("alice@demo.panosc.eu",
              DecisionLogIT.EMBARGOED).encode()).body()).getJsonObject("context").getString("id"));
        }
        assertThat(admin.get("/v1/decisions/" + ids.get(0)).statusCode()).isEqualTo(404);
      } finally {
        first.stop().get();
      }

      Platform second = PdpPlatform.start(dataDir, issuer, false, Map.of());
      try {
        PdpPlatform.Client admin = PdpPlatform.Client.of(second, issuer, "pdp:admin");
        for (String id : ids) {
          assertThat(admin.get("/v1/decisions/" + id).statusCode()).isEqualTo(200);
        }
      } finally {
        second.stop().get();
      }
    }
  }
}
