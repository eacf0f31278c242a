package eu.panosc.broker.usage;

import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The usage store contract on embedded PostgreSQL (V3's {@code session_usage}, {@code usage_outbox}). */
class PgUsageStoreIT extends UsageStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);

  @Override
  UsageStore store() {
    return new PgUsageStore(DB.shared());
  }
}
