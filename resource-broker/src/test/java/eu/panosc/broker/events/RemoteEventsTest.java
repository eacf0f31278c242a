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
}
