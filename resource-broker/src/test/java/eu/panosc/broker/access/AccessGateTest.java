package eu.panosc.broker.access;

import static eu.panosc.broker.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.CountingBrokerStore;
import eu.panosc.broker.store.InMemoryAccessStore;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The gate remembers a session until its next event, so a request to a session costs no store read; a state change
 * ({@link AccessGate#forget}) is seen at once, and a read that a change overtook is not remembered.
 */
class AccessGateTest {
  static final Caller ALICE = new Caller("alice", false, false, Set.of(), Set.of());
  final InMemoryBrokerStore backing = new InMemoryBrokerStore();
  final CountingBrokerStore store = new CountingBrokerStore(backing);
  final MutableClock clock = new MutableClock(T0);
  final AccessGate gate = new AccessGate(store, new InMemoryAccessStore(),
      (caller, datasets) -> Future.succeededFuture(Optional.empty()), clock);

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  String running(String id) {
    await(backing.create(Fixtures.session(id, "alice", null, new Resources(1, 1, 0), SessionState.PLACING),
        new Quota(10, Optional.empty())));
    await(backing.update(id, s -> s.running("http://127.0.0.1:1/", T0)));
    return id;
  }

  @Test
  void checkWhenRepeatedThenOneStoreReadUntilTheSessionsNextEvent() {
    String id = running("sgate00000000000000001");
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofMillis(100)); // 5 s of requests: before, a read every second
      assertThat(await(gate.check(ALICE, id, Intent.INTERACT)).owner()).isTrue();
    }
    assertThat(store.gets.get()).isEqualTo(1);
    await(backing.update(id, s -> s.withState(SessionState.STOPPING, T0)));
    gate.forget(id); // what the session's event does
    assertThatThrownBy(() -> await(gate.check(ALICE, id, Intent.READ))).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(AccessException.class).hasMessageContaining("STOPPING");
    assertThat(store.gets.get()).isEqualTo(2);
  }

  @Test
  void checkWhenLongerThanTheSafetyNetThenReadAgain() {
    String id = running("sgate00000000000000002");
    await(gate.check(ALICE, id, Intent.READ));
    clock.advance(AccessGate.SESSION_TTL.plusSeconds(1));
    await(gate.check(ALICE, id, Intent.READ));
    assertThat(store.gets.get()).isEqualTo(2);
  }

  @Test
  void checkWhenAnEventOvertookTheReadThenTheReadIsNotRemembered() {
    String id = running("sgate00000000000000003");
    Session runningThen = await(backing.get(id)).orElseThrow();
    Promise<Optional<Session>> late = Promise.promise();
    store.nextGet = late.future();
    Future<Grant> first = gate.check(ALICE, id, Intent.READ);
    // the session stops and its event arrives while the read is under way; then the (stale) read lands
    await(backing.update(id, s -> s.withState(SessionState.STOPPING, T0)));
    gate.forget(id);
    late.complete(Optional.of(runningThen));
    assertThat(await(first).session().state()).as("that request was admitted on what it read")
        .isEqualTo(SessionState.RUNNING);
    assertThatThrownBy(() -> await(gate.check(ALICE, id, Intent.READ))).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(AccessException.class).hasMessageContaining("STOPPING");
    assertThat(store.gets.get()).isEqualTo(2);
  }
}
