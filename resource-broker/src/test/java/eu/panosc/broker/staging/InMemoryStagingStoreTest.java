package eu.panosc.broker.staging;

import java.util.UUID;

/** The staging store contract in memory (a binding: the tests are {@link StagingStoreContract}'s). */
class InMemoryStagingStoreTest extends StagingStoreContract {
  @Override
  StagingStore store() {
    return new InMemoryStagingStore();
  }

  @Override
  String session() {
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }
}
