package eu.panosc.broker.usage;

/** The usage store contract in memory (a binding: the tests are {@link UsageStoreContract}'s). */
class InMemoryUsageStoreTest extends UsageStoreContract {
  @Override
  UsageStore store() {
    return new InMemoryUsageStore();
  }
}
