package eu.panosc.broker.store;

import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The access store contract on embedded PostgreSQL (migrations V1 and V2). */
class PgAccessStoreIT extends AccessStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);

  @Override
  AccessStore store() {
    return new PgAccessStore(DB.shared());
  }

  @Override
  BrokerStore sessions() {
    return new PgBrokerStore(DB.shared());
  }
}
