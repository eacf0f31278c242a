package eu.panosc.aai.token;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grant store contract on real PostgreSQL (schema {@code aai}), and what only a database can show: a revocation
 * that fails half-way (a trigger installed by the test refuses one revoked access token) leaves nothing revoked, and
 * a retry revokes everything.
 */
class PgGrantStoreIT extends GrantStoreContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 8);

  @Override
  protected RevokedTokens newRevokedTokens(Clock clock) {
    return new PgRevokedTokens(db.shared(), clock);
  }

  @Override
  protected GrantStore newStore(Clock clock, RevokedTokens revoked, Duration codeLifetime, Duration refreshLifetime) {
    return new PgGrantStore(db.shared(), clock, (PgRevokedTokens) revoked, codeLifetime, refreshLifetime);
  }

  @Override
  protected Transactions transactions() {
    return new PgTransactions(db.shared());
  }

  @Override
  protected String existingUser(String id) {
    new PgUsers(db.shared(), Clock.systemUTC()).recordLogin(new UpstreamIdentity(id, "N", null, List.of(), List.of(), "acr",
        List.of())).await();
    return id;
  }

  /** Makes every insert of {@code jti} into the revocation list fail, until {@link #healRevocations()}. */
  static void failRevocationOf(String jti) {
    db.shared().query("CREATE OR REPLACE FUNCTION test_refuse_revocation() RETURNS trigger LANGUAGE plpgsql AS $$"
        + " BEGIN RAISE EXCEPTION 'injected failure'; END $$").execute().await();
    db.shared().query("DROP TRIGGER IF EXISTS test_refuse_revocation ON revoked_token").execute().await();
    db.shared().query("CREATE TRIGGER test_refuse_revocation BEFORE INSERT ON revoked_token FOR EACH ROW"
        + " WHEN (NEW.jti = '" + jti.replace("'", "") + "') EXECUTE FUNCTION test_refuse_revocation()").execute()
        .await();
  }

  static void healRevocations() {
    db.shared().query("DROP TRIGGER IF EXISTS test_refuse_revocation ON revoked_token").execute().await();
  }

  private static long storedRevocations(List<String> jtis) {
    return db.shared().preparedQuery("SELECT count(*) FROM revoked_token WHERE jti = ANY($1)")
        .execute(Tuple.of(jtis.toArray(String[]::new))).await().iterator().next().getLong(0);
  }

  @Test
  void revokeFamilyWhenItFailsHalfWayThenNothingIsRevokedAndARetryRevokesAll() throws Exception {
    GrantStore.Family family = family(user(), null);
    String refresh = store.issueRefreshToken(family).await();
    AccessTokens.Issued first = accessToken(Duration.ofMinutes(5));
    AccessTokens.Issued second = accessToken(Duration.ofMinutes(5));
    store.recordAccessToken(family.id(), first).await();
    store.recordAccessToken(family.id(), second).await();
    List<String> jtis = List.of(first.jti(), second.jti());
    failRevocationOf(second.jti());
    try {
      assertThat(StoreFailures.of(store.revokeFamily(family.id()))).isNotNull();

      assertThat(store.family(family.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isFalse());
      assertThat(store.findRefreshToken(refresh).await()).isInstanceOf(GrantStore.Valid.class);
      assertThat(revoked.isRevoked(first.jti())).isFalse();
      assertThat(revoked.isRevoked(second.jti())).isFalse();
      assertThat(storedRevocations(jtis)).isZero();
    } finally {
      healRevocations();
    }

    store.revokeFamily(family.id()).await();

    assertThat(store.family(family.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isTrue());
    assertThat(store.findRefreshToken(refresh).await()).isNotInstanceOf(GrantStore.Valid.class);
    assertThat(revoked.isRevoked(first.jti())).isTrue();
    assertThat(revoked.isRevoked(second.jti())).isTrue();
    assertThat(storedRevocations(jtis)).isEqualTo(2);
  }

  @Test
  void revokeSessionWhenItFailsOnItsSecondGrantThenNoGrantIsRevokedAndARetryRevokesAll() throws Exception {
    String user = user();
    String sid = "sid-" + UUID.randomUUID();
    GrantStore.Family a = family(user, sid);
    GrantStore.Family b = family(user, sid);
    AccessTokens.Issued ofA = accessToken(Duration.ofMinutes(5));
    AccessTokens.Issued ofB = accessToken(Duration.ofMinutes(5));
    store.recordAccessToken(a.id(), ofA).await();
    store.recordAccessToken(b.id(), ofB).await();
    String refreshA = store.issueRefreshToken(a).await();
    String refreshB = store.issueRefreshToken(b).await();
    List<String> jtis = List.of(ofA.jti(), ofB.jti());
    failRevocationOf(ofB.jti());
    try {
      assertThat(StoreFailures.of(store.revokeSession(sid))).isNotNull();

      for (GrantStore.Family f : List.of(a, b)) {
        assertThat(store.family(f.id()).await()).hasValueSatisfying(x -> assertThat(x.revoked()).isFalse());
      }
      assertThat(store.findRefreshToken(refreshA).await()).isInstanceOf(GrantStore.Valid.class);
      assertThat(store.findRefreshToken(refreshB).await()).isInstanceOf(GrantStore.Valid.class);
      assertThat(revoked.isRevoked(ofA.jti())).isFalse();
      assertThat(storedRevocations(jtis)).isZero();
    } finally {
      healRevocations();
    }

    store.revokeSession(sid).await();
    store.revokeSession(sid).await(); // idempotent

    for (GrantStore.Family f : List.of(a, b)) {
      assertThat(store.family(f.id()).await()).hasValueSatisfying(x -> assertThat(x.revoked()).isTrue());
    }
    assertThat(store.findRefreshToken(refreshA).await()).isNotInstanceOf(GrantStore.Valid.class);
    assertThat(store.findRefreshToken(refreshB).await()).isNotInstanceOf(GrantStore.Valid.class);
    assertThat(revoked.isRevoked(ofA.jti())).isTrue();
    assertThat(revoked.isRevoked(ofB.jti())).isTrue();
    assertThat(storedRevocations(jtis)).isEqualTo(2);
  }
}
