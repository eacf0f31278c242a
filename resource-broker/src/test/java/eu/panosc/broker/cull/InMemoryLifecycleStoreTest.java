package eu.panosc.broker.cull;

import java.util.UUID;

class InMemoryLifecycleStoreTest extends LifecycleStoreContract {
  @Override
  LifecycleStore store() {
    return new InMemoryLifecycleStore();
  }

  @Override
  String session() {
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }
}
