package eu.panosc.pdp.store;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on real PostgreSQL (the pdp schema of an embedded database). */
class PgPdpStoreIT extends PdpStoreContract {
  @TempDir
  static Path dataDir;
  private static LocalIssuer issuer;
  private static Platform platform;
  private static PgPdpStore store;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    store = new PgPdpStore(platform.database().pool(platform.vertx(), "pdp"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Override
  protected PdpStore store() {
    return store;
  }
}
