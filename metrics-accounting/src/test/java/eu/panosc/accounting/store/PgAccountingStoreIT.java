package eu.panosc.accounting.store;

import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on embedded PostgreSQL; the replica is a second pool (another process's connections). */
class PgAccountingStoreIT extends AccountingStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 8);

  @Override
  AccountingStore store() {
    return new PgAccountingStore(DB.shared());
  }

  @Override
  AccountingStore replica() {
    return new PgAccountingStore(DB.pool());
  }
}
