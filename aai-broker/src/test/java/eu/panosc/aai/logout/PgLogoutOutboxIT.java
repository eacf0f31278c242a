package eu.panosc.aai.logout;

import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.token.AccessTokens;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The logout outbox contract on real PostgreSQL, each replica on its own pool. */
class PgLogoutOutboxIT extends LogoutOutboxContract {
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
        Duration.ofHours(1));
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected LogoutOutbox newOutbox() {
    return new PgLogoutOutbox(db.pool());
  }

  @Override
  protected Transactions transactions() {
    return new PgTransactions(pool);
  }

  private static void user(String userId) {
    new PgUsers(pool, Clock.systemUTC()).recordLogin(new UpstreamIdentity(userId, "N", null, List.of(), List.of(),
        "acr", List.of())).await();
  }

  private static String family(String sid, String userId, String client) {
    String code = grants.issueCode(client, userId, Set.of("openid"), List.of(), Instant.now(), "acr", List.of(),
        "https://client.example/cb", "challenge", null, sid).await();
    return ((GrantStore.Valid<GrantStore.Code>) grants.redeemCode(code).await()).value().family().id();
  }

  @Override
  protected void sessionWithClients(String sid, String userId, List<String> clients) {
    user(userId);
    for (String client : clients) {
      grants.recordAccessToken(family(sid, userId, client), new AccessTokens.Issued("jwt", "jti-" + UUID.randomUUID(),
          Instant.now().plusSeconds(300), Set.of("openid"), List.of())).await();
    }
  }

  @Override
  protected void sessionWithGrantOnly(String sid, String userId, String client) {
    user(userId);
    family(sid, userId, client);
  }

  @Override
  protected void clear() {
    pool.query("DELETE FROM logout_delivery").execute().await();
  }
}
