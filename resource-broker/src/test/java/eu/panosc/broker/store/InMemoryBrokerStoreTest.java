package eu.panosc.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.leader.LeaderLock;
import org.junit.jupiter.api.Test;

/** The store contract in memory; and leadership belongs to one store, not to the process. */
class InMemoryBrokerStoreTest extends BrokerStoreContract {
  private final InMemoryBrokerStore store = new InMemoryBrokerStore();

  @Override
  BrokerStore store() {
    return store;
  }

  @Override
  LeaderLock replicaLock() {
    return store.lock();
  }

  @Test
  void leaderLockWhenTwoStoresThenEachHasItsOwnLeader() {
    LeaderLock here = store.lock();
    LeaderLock elsewhere = new InMemoryBrokerStore().lock();

    assertThat(await(here.tryLead())).isTrue();
    assertThat(await(elsewhere.tryLead())).as("a lock of another store does not contend").isTrue();
    await(here.release());
    await(elsewhere.release());
  }
}
