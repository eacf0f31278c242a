package eu.panosc.broker.staging;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.platform.testing.TestDatabase;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The staging store contract on embedded PostgreSQL (V3's {@code session_staging}, rows tied to sessions). */
class PgStagingStoreIT extends StagingStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);

  @Override
  StagingStore store() {
    return new PgStagingStore(DB.shared());
  }

  @Override
  String session() {
    String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    await(new PgBrokerStore(DB.shared()).create(Fixtures.session(id, "u-" + id, null, new Resources(1, 1024, 0),
        SessionState.STAGING), new Quota(100, Optional.empty())));
    return id;
  }
}
