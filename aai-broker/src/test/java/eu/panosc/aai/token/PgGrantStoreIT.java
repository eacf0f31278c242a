package eu.panosc.aai.token;

import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The grant store contract on real PostgreSQL (schema {@code aai}). */
class PgGrantStoreIT extends GrantStoreContract {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 8);
    pool = db.pool();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected RevokedTokens newRevokedTokens(Clock clock) {
    return new PgRevokedTokens(pool, clock);
  }

  @Override
  protected GrantStore newStore(Clock clock, RevokedTokens revoked, Duration codeLifetime, Duration refreshLifetime) {
    return new PgGrantStore(pool, clock, revoked, codeLifetime, refreshLifetime);
  }

  @Override
  protected String existingUser(String id) {
    new PgUsers(pool, Clock.systemUTC()).recordLogin(new UpstreamIdentity(id, "N", null, List.of(), List.of(), "acr",
        List.of())).await();
    return id;
  }
}
