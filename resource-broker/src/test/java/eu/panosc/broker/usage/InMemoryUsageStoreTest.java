package eu.panosc.broker.usage;

class InMemoryUsageStoreTest extends UsageStoreContract {
  @Override
  UsageStore store() {
    return new InMemoryUsageStore();
  }
}
