package eu.panosc.broker.staging;

import java.util.UUID;

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
