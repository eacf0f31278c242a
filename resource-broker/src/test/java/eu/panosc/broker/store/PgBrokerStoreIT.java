package eu.panosc.broker.store;

import eu.panosc.platform.leader.LeaderLock;
import eu.panosc.platform.leader.PgLeaderLock;
import eu.panosc.platform.testing.TestDatabase;
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

  @Override
  LeaderLock replicaLock() {
    return new PgLeaderLock(DB.pool(), "test.reconciler");
  }
}
