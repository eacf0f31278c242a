package eu.panosc.broker.store;

/** The store contract in memory. */
class InMemoryBrokerStoreTest extends BrokerStoreContract {
  private final InMemoryBrokerStore store = new InMemoryBrokerStore();

  @Override
  BrokerStore store() {
    return store;
  }
}
