package eu.panosc.broker.store;

/** The access store contract in memory. */
class InMemoryAccessStoreTest extends AccessStoreContract {
  private final InMemoryAccessStore store = new InMemoryAccessStore();
  private final InMemoryBrokerStore sessions = new InMemoryBrokerStore();

  @Override
  AccessStore store() {
    return store;
  }

  @Override
  BrokerStore sessions() {
    return sessions;
  }
}
