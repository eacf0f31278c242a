package eu.panosc.broker.store;

import eu.panosc.platform.leader.LeaderLock;
import eu.panosc.platform.leader.PgLeaderLock;
import eu.panosc.platform.testing.TestDatabase;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on embedded PostgreSQL with announcements on (what the application runs): creates, updates and
 * reservations that change a state go through the statements carrying {@code pg_notify}, and must behave alike.
 */
class PgAnnouncingBrokerStoreIT extends BrokerStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 8);

  @Override
  BrokerStore store() {
    return new PgBrokerStore(DB.shared(), Optional.of("it-origin"));
  }

  @Override
  LeaderLock replicaLock() {
    return new PgLeaderLock(DB.pool(), "test.reconciler");
  }
}
