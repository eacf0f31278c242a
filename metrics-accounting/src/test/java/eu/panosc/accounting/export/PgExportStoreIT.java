package eu.panosc.accounting.export;

import eu.panosc.accounting.store.AccountingStore;
import eu.panosc.accounting.store.PgAccountingStore;
import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The export store contract on embedded PostgreSQL. */
class PgExportStoreIT extends ExportStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 4);

  @Override
  ExportStore exports() {
    return new PgExportStore(DB.shared());
  }

  @Override
  AccountingStore store() {
    return new PgAccountingStore(DB.shared());
  }
}
