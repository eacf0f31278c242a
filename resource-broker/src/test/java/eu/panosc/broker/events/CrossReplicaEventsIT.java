package eu.panosc.broker.events;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.Announcer;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.store.SessionFeed;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker replicas on one embedded PostgreSQL, each with its own pool, event buffer, announcing store and
 * {@link SessionFeed} and {@link FeedEvents}: a change made through replica A reaches the event subscribers of replica B
 * exactly once, under the same id as A's own subscribers get it; after B's listening connection is killed
 * ({@code pg_terminate_backend}) B listens again, a change made while it was not listening arrives through the
 * catch-up read, and the next change arrives as a notice.
 */
class CrossReplicaEventsIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);

  record Replica(SessionEvents events, PgBrokerStore store, SessionFeed feed, List<SessionEvent> seen) {}

  // instants are the real clock's: the catch-up after a lost connection reads by session.updated
  private final List<SessionFeed> feeds = new CopyOnWriteArrayList<>();

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  Replica replica(Duration backoff) {
    Pool pool = DB.pool();
    SessionEvents events = new SessionEvents(100);
    Announcer announcer = new Announcer(events.origin());
    FeedEvents feedEvents = new FeedEvents(DB.vertx(), new PgSessionViews(pool), events);
    PgBrokerStore store = new PgBrokerStore(pool, announcer.listener(feedEvents));
    SessionFeed feed = new SessionFeed(DB.vertx(), pool, feedEvents::notice, feedEvents::changed, Clock.systemUTC(),
        backoff, backoff.multipliedBy(4));
    feeds.add(feed);
    List<SessionEvent> seen = new CopyOnWriteArrayList<>();
    events.subscribe(seen::add);
    await(feed.start());
    return new Replica(events, store, feed, seen);
  }

  @AfterEach
  void closeFeeds() {
    feeds.forEach(f -> await(f.close()));
  }

  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(25);
    }
  }

  static List<SessionState> states(Replica r, String session) {
    return r.seen().stream().filter(e -> e.session().id().equals(session)).map(e -> e.session().state()).toList();
  }

  @Test
  void changeOnReplicaAWhenReplicaBSubscribesThenBSeesEachStateOnceAndANoDuplicates() throws Exception {
    Replica a = replica(Duration.ofMillis(200));
    Replica b = replica(Duration.ofMillis(200));
    await(a.store().create(Fixtures.session("sx1", "alice", null, new Resources(1, 1, 0), SessionState.PENDING)
        .withState(SessionState.PLACING, Instant.now()),
        new Quota(5, Optional.empty())));
    eventually("B sees the creation", () -> states(b, "sx1").contains(SessionState.PLACING));
    await(a.store().update("sx1", s -> s.placed("local", "why", Instant.now().plusSeconds(1))));
    eventually("B sees STARTING", () -> states(b, "sx1").contains(SessionState.STARTING));
    await(a.store().update("sx1", s -> s.running("http://x/", Instant.now().plusSeconds(2))));
    eventually("B sees RUNNING", () -> states(b, "sx1").contains(SessionState.RUNNING));
    await(a.store().update("sx1", s -> s.activeAt(Instant.now().plusSeconds(60)))); // not a state change: no notice
    Thread.sleep(500); // a stray duplicate would have arrived by now

    assertThat(states(b, "sx1")).containsExactly(SessionState.PLACING, SessionState.STARTING, SessionState.RUNNING);
    assertThat(states(a, "sx1")).containsExactly(SessionState.PLACING, SessionState.STARTING, SessionState.RUNNING);
    // one id per notice, the same on both replicas: A's (the writer's) numbered notices
    assertThat(b.seen()).extracting(SessionEvent::id).containsExactlyElementsOf(a.seen().stream()
        .map(SessionEvent::id).toList()).allSatisfy(id -> assertThat(id).startsWith(a.events().origin() + ":"));
  }

  @Test
  void listeningConnectionKilledWhenChangesFollowThenBReconnectsCatchesUpAndGetsTheNextNotice() throws Exception {
    Replica a = replica(Duration.ofMillis(200));
    Replica b = replica(Duration.ofSeconds(2));
    await(a.store().create(Fixtures.session("sx2", "bob", null, new Resources(1, 1, 0), SessionState.PENDING)
        .withState(SessionState.PLACING, Instant.now()),
        new Quota(5, Optional.empty())));
    eventually("B sees the creation", () -> states(b, "sx2").contains(SessionState.PLACING));
    assertThat(b.feed().connects()).isEqualTo(1);

    // every listening backend (A's and B's) killed; B waits 2 s before it listens again
    var killed = await(DB.shared().query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE "
        + "'LISTEN %' AND pid <> pg_backend_pid()").execute());
    assertThat(killed.size()).isGreaterThanOrEqualTo(2);
    Thread.sleep(300);
    // made while B is not listening: only the catch-up read can bring it
    await(a.store().update("sx2", s -> s.placed("local", "why", Instant.now().plusSeconds(1))));
    eventually("B listens again", () -> b.feed().connects() == 2);
    eventually("B caught up with STARTING", () -> states(b, "sx2").contains(SessionState.STARTING));

    await(a.store().update("sx2", s -> s.running("http://x/", Instant.now().plusSeconds(2))));
    eventually("B sees the next change", () -> states(b, "sx2").contains(SessionState.RUNNING));
    Thread.sleep(500);
    assertThat(states(b, "sx2")).containsExactly(SessionState.PLACING, SessionState.STARTING, SessionState.RUNNING);
  }
}
