package eu.panosc.pdp;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code policyDir}: at start-up each policy file whose text differs from the active version is submitted (compiled
 * on a worker thread); a refused file is logged and leaves the previous version active without stopping the PDP; an
 * unchanged file is not stored again at the next start.
 */
class PolicyDirIT {
  @TempDir
  Path dataDir;
  @TempDir
  Path policies;

  @Test
  void startWhenPolicyDirThenValidFilesActiveRefusedOnesLoggedAndUnchangedNotStoredAgain() throws Exception {
    Files.writeString(policies.resolve("esrf.yaml"), """
        name: esrf-closed
        facility: esrf
        rules:
          - id: nobody
            when: "false"
        """);
    Files.writeString(policies.resolve("ill.yaml"), "name: ill-broken\nfacility: ill\nrules:\n  - id: x\n    when: \"1 +\"\n");
    Files.writeString(policies.resolve("notes.txt"), "not a policy");
    Integer firstVersion = null;
    try (LocalIssuer issuer = LocalIssuer.start()) {
      for (int run = 0; run < 2; run++) {
        Platform platform = PdpPlatform.start(dataDir, issuer, false,
            Map.of("services.pdp.policyDir", policies.toString()));
        try {
          PdpPlatform.Client admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
          JsonArray active = new JsonObject(admin.get("/v1/policies").body()).getJsonArray("policies");
          assertThat(active.stream().map(o -> ((JsonObject) o).getString("facility")))
              .containsExactlyInAnyOrder("*", "esrf");
          JsonObject esrf = active.stream().map(o -> (JsonObject) o).filter(o -> "esrf".equals(o.getString("facility")))
              .findFirst().orElseThrow();
          assertThat(esrf.getString("name")).isEqualTo("esrf-closed");
          // the second start finds the same text active and stores no new version
          if (firstVersion == null) {
            firstVersion = esrf.getInteger("version");
          } else {
            assertThat(esrf.getInteger("version")).isEqualTo(firstVersion);
          }
          JsonArray history = new JsonObject(admin.get("/v1/policies/esrf/versions").body()).getJsonArray("versions");
          assertThat(history).hasSize(1);
        } finally {
          platform.stop().get();
        }
      }
    }
  }
}
