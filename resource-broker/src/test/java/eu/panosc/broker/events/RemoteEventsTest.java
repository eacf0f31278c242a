package eu.panosc.broker.events;

import static eu.panosc.broker.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.SessionFeed.Notice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What another replica's change becomes here: its notice's wire form, and at most one event per distinct state. */
class RemoteEventsTest {
  static Session session(SessionState state, int second) {
    return Fixtures.session("r1", "alice", null, new Resources(1, 1, 0), SessionState.PENDING)
        .withState(state, T0.plusSeconds(second));
  }

  @Test
  void publishIfNewWhenTheSameStateArrivesAgainOrAnOlderReadThenNoSecondEvent() {
    SessionEvents events = new SessionEvents(10);
    List<SessionEvent> seen = new ArrayList<>();
    events.subscribe(seen::add);
    assertThat(events.publishIfNew(session(SessionState.PLACING, 1))).isTrue();
    assertThat(events.publishIfNew(session(SessionState.PLACING, 1))).isFalse(); // notice and catch-up both
    assertThat(events.publishIfNew(session(SessionState.STARTING, 2))).isTrue();
    assertThat(events.publishIfNew(session(SessionState.PLACING, 1))).isFalse(); // a late read: never back
    assertThat(events.publishIfNew(session(SessionState.RUNNING, 3))).isTrue();
    assertThat(seen).extracting(e -> e.session().state()).containsExactly(SessionState.PLACING,
        SessionState.STARTING, SessionState.RUNNING);
  }

  @Test
  void publishIfNewWhenOnlyTheEndChangedThenAnEvent() {
    SessionEvents events = new SessionEvents(10);
    Session s = session(SessionState.RUNNING, 1);
    events.publish(s);
    Session extended = new Session(s.id(), s.owner(), s.proposal(), s.datasets(), s.flavour(), s.image(),
        s.resources(), s.cluster(), s.state(), s.url(), s.placement(), s.failure(), s.secretHash(), s.created(),
        T0.plusSeconds(5), s.expiresAt().plusSeconds(3600), s.lastActivity());
    assertThat(events.publishIfNew(extended)).isTrue();
    assertThat(events.publishIfNew(extended)).isFalse();
  }

  @Test
  void noticeWhenWrittenThenReadBackAndCarriesNoMoreThanOriginNumberIdAndChange() {
    Notice n = new Notice("a1b2c3d4", 7, "sabc", "RUNNING");
    assertThat(n.payload()).isEqualTo("a1b2c3d4 7 sabc RUNNING");
    assertThat(n.id()).isEqualTo("a1b2c3d4:7");
    assertThat(Notice.parse(n.payload())).contains(n);
    assertThat(Notice.parse("a1 8 sabc staging")).contains(new Notice("a1", 8, "sabc", Notice.STAGING));
    assertThat(Notice.parse("a1 9 sabc warning")).contains(new Notice("a1", 9, "sabc", Notice.WARNING));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "a1 sabc", "a1 sabc RUNNING", "a1 1 sabc RUNNING extra", "a1 1 sabc SLEEPING",
      " 1 sabc RUNNING", "a1 1  RUNNING", "a1 1 sabc running", "a1 0 sabc RUNNING", "a1 -1 sabc RUNNING",
      "a1 x sabc RUNNING", "a1 99999999999999999999 sabc RUNNING", "a1 1 sabc Staging"})
  void noticeWhenPayloadIsNotOneOfOursThenIgnored(String payload) {
    assertThat(Notice.parse(payload)).isEqualTo(Optional.empty());
  }

  @Test
  void noticeWhenPayloadWouldReach8000BytesThenRefused() {
    assertThatThrownBy(() -> new Notice("a", 1, "s".repeat(8000), "RUNNING").payload())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8000 bytes");
  }

  static SessionView view(SessionState state, int second) {
    return SessionView.of(session(state, second));
  }

  @Test
  void noticeIdsWhenAReplicaReadALaterStateThenSilentPositionsStillResumeAndNothingIsMissed() {
    // replica A told each state exactly; replica B read notice 1 late (already STARTING): notice 2 is silent there
    SessionEvents onA = new SessionEvents(10);
    SessionEvents onB = new SessionEvents(10);
    assertThat(onA.publish("a:1", view(SessionState.PLACING, 1), true)).isTrue();
    assertThat(onA.publish("a:2", view(SessionState.STARTING, 2), true)).isTrue();
    assertThat(onB.publish("a:1", view(SessionState.STARTING, 2), true)).isTrue();
    assertThat(onB.publish("a:2", view(SessionState.STARTING, 2), true)).isFalse();
    assertThat(onB.latestId()).isEqualTo("a:2");
    // a stream that saw A's a:1 (PLACING) resumes on B: B's a:2 is silent, but what a:1 told there is sent again
    assertThat(onB.after("a:1", x -> true).orElseThrow()).extracting(SessionEvent::id, e -> e.session().state())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a:2", SessionState.STARTING));
    // one that saw B's a:2 (the silent position) has everything
    assertThat(onB.after("a:2", x -> true).orElseThrow()).isEmpty();
    // on A, from B's a:1 (STARTING already): A's a:2 again (at worst once more, never missed)
    assertThat(onA.after("a:1", x -> true).orElseThrow()).extracting(SessionEvent::id).containsExactly("a:2");
    // a notice whose session does not exist is a position too
    onB.skip("a:3");
    assertThat(onB.after("a:3", x -> true).orElseThrow()).isEmpty();
    assertThat(onB.resume("a:2", x -> true).orElseThrow().seq()).isEqualTo(2);
    assertThat(onB.after("a:4", x -> true)).isEmpty();
  }

  @Test
  void viewWhenOnlyStagingOrWarningsChangedThenNewElseAlreadyTold() {
    SessionEvents events = new SessionEvents(10);
    Session s = session(SessionState.STAGING, 1);
    var p = new eu.panosc.broker.staging.StagingProgress("r1", "k8s", "job", eu.panosc.broker.staging.StagingProgress
        .State.RUNNING, 2, 0, 100, 0, Optional.empty(), T0, T0);
    assertThat(events.publish("a:1", new SessionView(s, Optional.of(p), List.of()), true)).isTrue();
    // the same progress, only its time moved: nothing new
    assertThat(events.publish("a:2", new SessionView(s, Optional.of(p.advanced(p.state(), 0, 0, Optional.empty(),
        T0.plusSeconds(9))), List.of()), true)).isFalse();
    var moved = p.advanced(p.state(), 1, 50, Optional.empty(), T0.plusSeconds(10));
    assertThat(events.publish("a:3", new SessionView(s, Optional.of(moved), List.of()), true)).isTrue();
    var warning = new eu.panosc.broker.cull.Notice("r1", eu.panosc.broker.cull.Notice.Kind.IDLE_WARNING,
        T0.plusSeconds(86400), 24, T0.plusSeconds(11), "idle");
    assertThat(events.publish("a:4", new SessionView(s, Optional.of(moved), List.of(warning)), true)).isTrue();
    // an older read (before the warning) never takes it back
    assertThat(events.publish("a:5", new SessionView(s, Optional.of(moved), List.of()), true)).isFalse();
  }

  /** Views from a map, counting reads; each read completes when the test says so. */
  static final class Views implements SessionViews {
    final java.util.Map<String, SessionView> current = new java.util.HashMap<>();
    final List<List<String>> reads = new ArrayList<>();
    final List<io.vertx.core.Promise<java.util.Map<String, SessionView>>> pending = new ArrayList<>();

    @Override
    public io.vertx.core.Future<java.util.Map<String, SessionView>> get(java.util.Collection<String> ids) {
      reads.add(List.copyOf(ids));
      io.vertx.core.Promise<java.util.Map<String, SessionView>> p = io.vertx.core.Promise.promise();
      pending.add(p);
      return p.future();
    }

    void answer() {
      var p = pending.remove(0);
      java.util.Map<String, SessionView> out = new java.util.HashMap<>();
      reads.get(reads.size() - 1).forEach(id -> {
        if (current.containsKey(id)) {
          out.put(id, current.get(id));
        }
      });
      p.complete(out);
    }

    @Override
    public io.vertx.core.Future<List<SessionView>> list(Optional<String> owner) {
      return io.vertx.core.Future.succeededFuture(List.copyOf(current.values()));
    }
  }

  @Test
  void feedEventsWhenNoticesArriveDuringAReadThenOneReadPerBatchInNoticeOrderOwnChangesExactlyAsWritten() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      Views views = new Views();
      SessionEvents events = new SessionEvents(10);
      List<SessionEvent> seen = new ArrayList<>();
      events.subscribe(seen::add);
      FeedEvents feed = new FeedEvents(vertx, views, events);
      Session placing = session(SessionState.PLACING, 1);
      Session starting = session(SessionState.STARTING, 2);
      // this replica wrote PLACING then STARTING; the database already shows STARTING when the notices are read
      var n1 = new eu.panosc.broker.store.Announcer("me").next("r1", "PLACING");
      feed.written(n1, placing);
      views.current.put("r1", SessionView.of(starting));
      feed.notice(n1);
      var other = new Notice("them", 5, "r2", "RUNNING");
      var n2 = new Notice("me", 2, "r1", "STARTING");
      feed.written(n2, starting);
      feed.notice(other); // queued while the first read runs
      feed.notice(n2);
      feed.notice(new Notice("them", 6, "gone", "FAILED"));
      assertThat(views.reads).containsExactly(List.of("r1"));
      views.answer();
      assertThat(views.reads).as("the three queued notices read together").hasSize(2)
          .last().isEqualTo(List.of("r2", "r1", "gone"));
      views.current.put("r2", SessionView.of(Fixtures.session("r2", "bob", null, new Resources(1, 1, 0),
          SessionState.RUNNING)));
      views.answer();
      assertThat(seen).extracting(SessionEvent::id, e -> e.session().state()).containsExactly(
          org.assertj.core.groups.Tuple.tuple("me:1", SessionState.PLACING),
          org.assertj.core.groups.Tuple.tuple("them:5", SessionState.RUNNING),
          org.assertj.core.groups.Tuple.tuple("me:2", SessionState.STARTING));
      assertThat(events.latestId()).as("the vanished session's notice is a position").isEqualTo("them:6");
    } finally {
      vertx.close();
    }
  }
}
