package eu.panosc.broker.events;

import static eu.panosc.broker.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.InMemoryBrokerStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionEventsTest {
  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static Session session(String id, String owner) {
    return Fixtures.session(id, owner, null, new Resources(1, 1, 0), SessionState.PENDING);
  }

  @Test
  void storeWhenCreatedAndStateChangesThenOneEventEachAndNoneForOtherUpdates() {
    SessionEvents events = new SessionEvents(10);
    List<SessionEvent> seen = new ArrayList<>();
    events.subscribe(seen::add);
    EventingBrokerStore store = new EventingBrokerStore(new InMemoryBrokerStore(), events);
    await(store.create(session("s1", "alice"), new Quota(5, Optional.empty())));
    await(store.update("s1", s -> s.placed("local", "why", T0)));
    await(store.update("s1", s -> s.placed("local", "why again", T0.plusSeconds(1)))); // same state: no event
    await(store.update("s1", s -> s.running("http://x/", T0.plusSeconds(2))));
    await(store.update("missing", s -> s));
    assertThat(seen).extracting(e -> e.session().state()).containsExactly(SessionState.PENDING,
        SessionState.STARTING, SessionState.RUNNING);
    assertThat(seen).extracting(SessionEvent::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void storeWhenReservedThenStagedThenStartedThenEachStateIsAnEventAndARefusedReservationNone() {
    SessionEvents events = new SessionEvents(10);
    List<SessionEvent> seen = new ArrayList<>();
    events.subscribe(seen::add);
    EventingBrokerStore store = new EventingBrokerStore(new InMemoryBrokerStore(), events);
    Resources capacity = new Resources(1, 1, 0);
    await(store.create(session("r1", "alice"), new Quota(5, Optional.empty())));
    await(store.create(session("r2", "alice"), new Quota(5, Optional.empty())));
    await(store.update("r1", s -> s.withState(SessionState.PLACING, T0)));
    await(store.update("r2", s -> s.withState(SessionState.PLACING, T0)));
    assertThat(await(store.reserve("r1", "k8s", capacity, s -> s.placed("k8s", "near the data", T0)))).isPresent();
    // the cluster is full: r2 stays PLACING, no event
    assertThat(await(store.reserve("r2", "k8s", capacity, s -> s.placed("k8s", "near the data", T0)))).isEmpty();
    await(store.update("r1", s -> s.withState(SessionState.STAGING, T0.plusSeconds(1))));
    await(store.update("r1", s -> s.withState(SessionState.STARTING, T0.plusSeconds(2))));
    assertThat(seen).filteredOn(e -> e.session().id().equals("r1")).extracting(e -> e.session().state())
        .containsExactly(SessionState.PENDING, SessionState.PLACING, SessionState.STARTING, SessionState.STAGING,
            SessionState.STARTING);
    assertThat(seen).filteredOn(e -> e.session().id().equals("r2")).extracting(e -> e.session().state())
        .containsExactly(SessionState.PENDING, SessionState.PLACING);
    assertThat(seen.get(seen.size() - 2).session().state()).isEqualTo(SessionState.STAGING);
  }

  @Test
  void afterWhenResumableThenMissedOnesOfTheFilterElseEmpty() {
    SessionEvents events = new SessionEvents(3);
    String start = events.latestId();
    events.publish(session("a1", "alice"));
    events.publish(session("b1", "bob"));
    String afterB = events.latestId();
    events.publish(session("a2", "alice"));
    assertThat(events.after(start, s -> s.owner().equals("alice")).orElseThrow())
        .extracting(e -> e.session().id()).containsExactly("a1", "a2");
    assertThat(events.after(afterB, s -> true).orElseThrow()).extracting(e -> e.session().id())
        .containsExactly("a2");
    assertThat(events.after(events.latestId(), s -> true).orElseThrow()).isEmpty();
    events.publish(session("a3", "alice"));
    events.publish(session("a4", "alice"));
    // the buffer holds 3: resuming from the start would miss a1
    assertThat(events.after(start, s -> true)).isEmpty();
    assertThat(events.after("deadbeef-1", s -> true)).isEmpty();
    assertThat(events.after("garbage", s -> true)).isEmpty();
    String prefix = start.substring(0, start.lastIndexOf('-') + 1);
    assertThat(events.after(prefix + "99", s -> true)).isEmpty();
    assertThat(events.after(prefix + "x", s -> true)).isEmpty();
  }

  /**
   * A change read again is silent while the newest event of its session is buffered (whatever other sessions' events
   * came between), compared with that newest event only; once it has left the buffer the change is told again.
   */
  @Test
  void publishIfNewWhenTheSessionsNewestEventIsBufferedThenSilentElseTold() {
    SessionEvents events = new SessionEvents(4);
    List<SessionEvent> seen = new ArrayList<>();
    events.subscribe(seen::add);
    Session a = session("a1", "alice");
    Session placed = a.placed("k8s", "near the data", T0.plusSeconds(1));
    events.publish(a);
    events.publish(session("b1", "bob"));
    events.publish(placed);
    events.publish(session("b2", "bob"));
    // a's newest event is STARTING: the PENDING read (older) and the STARTING read (the same) are silent
    assertThat(events.publishIfNew(a)).isFalse();
    assertThat(events.publishIfNew(placed)).isFalse();
    // a new state is told
    Session running = placed.running("http://x/", T0.plusSeconds(2));
    assertThat(events.publishIfNew(running)).isTrue();
    // four more of other sessions push every event of a1 out: the same state read again is told once more
    for (int i = 0; i < 4; i++) {
      events.publish(session("c" + i, "carol"));
    }
    assertThat(events.publishIfNew(running)).isTrue();
    assertThat(events.publishIfNew(running)).isFalse();
    assertThat(seen).filteredOn(e -> e.session().id().equals("a1")).extracting(e -> e.session().state())
        .containsExactly(SessionState.PENDING, SessionState.STARTING, SessionState.RUNNING, SessionState.RUNNING);
  }
}
