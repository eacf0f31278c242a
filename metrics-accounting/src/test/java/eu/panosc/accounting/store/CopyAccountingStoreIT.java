package eu.panosc.accounting.store;

import eu.panosc.platform.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on embedded PostgreSQL with the COPY ingest path ({@link CopyBatchWriter} over JDBC); the
 * replica is a second pool and a second set of JDBC connections (another process's).
 */
class CopyAccountingStoreIT extends AccountingStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 8);
  private static final List<PgAccountingStore> OPENED = new ArrayList<>();
  private static PgAccountingStore store;

  @Override
  synchronized AccountingStore store() {
    if (store == null) {
      store = open(DB.shared());
    }
    return store;
  }

  @Override
  AccountingStore replica() {
    return open(DB.pool());
  }

  private static synchronized PgAccountingStore open(io.vertx.sqlclient.Pool pool) {
    PgAccountingStore s = PgAccountingStore.withCopy(pool, new RollupWorker(pool), DB.vertx(), DB.target(),
        "accounting", 2);
    OPENED.add(s);
    return s;
  }

  @AfterAll
  static synchronized void closeStores() {
    OPENED.forEach(PgAccountingStore::close);
    OPENED.clear();
    store = null;
  }
}
