package eu.panosc.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.leader.PgLeaderLock;
import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on embedded PostgreSQL (parallel creates run on a pool of 8 connections, so they really race);
 * and the advisory-lock leadership: of two replicas (pools), one leads until it releases.
 */
class PgBrokerStoreIT extends BrokerStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 8);

  @Override
  BrokerStore store() {
    return new PgBrokerStore(DB.shared());
  }

  @Test
  void leaderLockWhenTwoReplicasThenOneLeadsUntilItReleases() {
    PgLeaderLock a = new PgLeaderLock(DB.pool(), "test.reconciler");
    PgLeaderLock b = new PgLeaderLock(DB.pool(), "test.reconciler");
    assertThat(await(a.tryLead())).isTrue();
    assertThat(await(b.tryLead())).isFalse();
    assertThat(await(a.tryLead())).isTrue();
    await(a.release());
    assertThat(await(b.tryLead())).isTrue();
    assertThat(await(a.tryLead())).isFalse();
    await(b.release());
  }
}
