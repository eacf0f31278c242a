package eu.panosc.aai.device;

import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.PgGrantStore;
import eu.panosc.aai.token.PgRevokedTokens;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The device authorization contract on real PostgreSQL (schema {@code aai}). */
class PgDeviceCodesIT extends DeviceCodesContract {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;
  static GrantStore grants;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 8);
    pool = db.pool();
    Clock clock = Clock.systemUTC();
    grants = new PgGrantStore(pool, clock, new PgRevokedTokens(pool, clock), Duration.ofMinutes(1),
        Duration.ofDays(3650));
    new PgUsers(pool, clock).recordLogin(new UpstreamIdentity("device-user", "N", null, List.of(), List.of(), "acr",
        List.of())).await();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected DeviceCodes newStore(Clock clock, Duration lifetime, Duration interval) {
    return new PgDeviceCodes(pool, clock, lifetime, interval);
  }

  @Override
  protected String existingFamily() {
    return grants.createFamily("client-a", "device-user", Set.of("openid"), List.of(), Instant.now(), "acr", List.of())
        .await();
  }
}
