package eu.panosc.broker.cull;

import java.util.UUID;

/** The lifecycle store contract in memory (a binding: the tests are {@link LifecycleStoreContract}'s). */
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
