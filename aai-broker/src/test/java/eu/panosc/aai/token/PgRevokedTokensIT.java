package eu.panosc.aai.token;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The revocation list contract on real PostgreSQL, each instance on its own pool (one per replica); and a revocation
 * the database refuses (a trigger installed by the test) fails and is not counted in memory either.
 */
class PgRevokedTokensIT extends RevokedTokensContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 2);

  @Override
  protected RevokedTokens newRevokedTokens(Clock clock) {
    return new PgRevokedTokens(db.pool(), clock);
  }

  @Override
  protected Vertx vertx() {
    return db.vertx();
  }

  @Test
  void revokeWhenTheDatabaseWriteFailsThenTheFailureIsReturnedAndTheTokenIsNotCountedAsRevoked() throws Exception {
    Pool admin = db.pool();
    RevokedTokens tokens = newRevokedTokens(clock);
    String jti = "jti-" + UUID.randomUUID();
    admin.query("CREATE OR REPLACE FUNCTION test_refuse_revocation() RETURNS trigger LANGUAGE plpgsql AS $$"
        + " BEGIN RAISE EXCEPTION 'injected failure'; END $$").execute().await();
    admin.query("CREATE TRIGGER test_refuse_revocation BEFORE INSERT ON revoked_token FOR EACH ROW"
        + " EXECUTE FUNCTION test_refuse_revocation()").execute().await();
    try {
      assertThat(StoreFailures.of(tokens.revoke(jti, "client-a", clock.instant().plusSeconds(300)))).isNotNull();

      assertThat(tokens.isRevoked(jti)).isFalse();
    } finally {
      admin.query("DROP TRIGGER IF EXISTS test_refuse_revocation ON revoked_token").execute().await();
    }

    tokens.revoke(jti, "client-a", clock.instant().plusSeconds(300)).await();

    assertThat(tokens.isRevoked(jti)).isTrue();
    RevokedTokens restarted = newRevokedTokens(clock);
    long timer = restarted.start(db.vertx(), 60_000).await();
    db.vertx().cancelTimer(timer);
    assertThat(restarted.isRevoked(jti)).isTrue();
  }

  @Test
  void stalenessWhenReloadsFailLongerThanToleratedThenReportedAndClearedOnRecovery() throws Exception {
    Pool admin = db.pool();
    PgRevokedTokens tokens = new PgRevokedTokens(db.pool(), clock);
    assertThat(tokens.staleness()).contains("not loaded");
    long timer = tokens.start(db.vertx(), 3_600_000).await();
    try {
      assertThat(tokens.staleness()).isNull();
      admin.query("ALTER TABLE revoked_token RENAME TO revoked_token_hidden").execute().await();
      try {
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(StoreFailures.of(tokens.reload())).isNotNull();
        assertThat(tokens.staleness()).as("within the tolerance").isNull();
        clock.advance(java.time.Duration.ofHours(3));
        assertThat(StoreFailures.of(tokens.reload())).isNotNull();
        assertThat(tokens.staleness()).contains("may be missed");
      } finally {
        admin.query("ALTER TABLE revoked_token_hidden RENAME TO revoked_token").execute().await();
      }
      tokens.reload().await();
      assertThat(tokens.staleness()).isNull();
    } finally {
      db.vertx().cancelTimer(timer);
    }
  }
}
