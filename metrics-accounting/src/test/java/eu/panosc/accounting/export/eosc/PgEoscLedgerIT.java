package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.store.AccountingStore;
import eu.panosc.accounting.store.PgAccountingStore;
import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger contract on embedded PostgreSQL. */
class PgEoscLedgerIT extends EoscLedgerContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 4);

  @Override
  EoscLedger ledger() {
    return new PgEoscLedger(DB.shared());
  }

  @Override
  AccountingStore store() {
    return new PgAccountingStore(DB.shared());
  }

  @Override
  void clear() {
    DB.shared().query("DELETE FROM eosc_export").execute().await();
  }
}
