package eu.panosc.aai.saml.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SamlSessions} must do: a session's SAML subject is found by sid and by (IdP, NameID) until the
 * session's expiry or until forgotten; a logout handle is opaque, gives its flow back once, then tells a replay apart
 * from an expired and an unknown handle, and one of many concurrent takes wins.
 */
public abstract class SamlSessionsContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final Instant START = Instant.parse("2031-07-01T10:00:00Z");
  private static final String IDP = "https://umbrellaid.example/idp";

  protected MutableClock clock;
  protected SamlSessions store;

  protected abstract SamlSessions newStore(Clock clock, Duration logoutLifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME);
  }

  private static SamlSubject subject(String nameId, String sessionIndex) {
    return new SamlSubject(IDP, nameId, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", IDP,
        "https://broker.example/aai/saml2/sp/metadata", sessionIndex);
  }

  private static String sid() {
    return "sid-" + UUID.randomUUID();
  }

  @Test
  void findWhenRememberedThenTheSubjectUntilTheSessionExpires() {
    String sid = sid();
    SamlSubject alice = subject("alice-" + UUID.randomUUID(), "_s1");
    store.remember(sid, alice, START.plus(Duration.ofHours(8))).await();

    assertThat(store.find(sid).await()).contains(alice);
    clock.advance(Duration.ofHours(8));
    assertThat(store.find(sid).await()).as("expired with its session").isEmpty();
    assertThat(store.find(null).await()).isEmpty();
    assertThat(store.find("unknown").await()).isEmpty();
  }

  @Test
  void bySubjectWhenSeveralSessionsThenEveryLiveOneOfThatNameIdAtThatIdpOnly() {
    String name = "bob-" + UUID.randomUUID();
    String s1 = sid();
    String s2 = sid();
    String other = sid();
    store.remember(s1, subject(name, "_a"), START.plus(Duration.ofHours(1))).await();
    store.remember(s2, subject(name, null), START.plus(Duration.ofHours(3))).await();
    store.remember(other, subject("carol-" + UUID.randomUUID(), "_a"), START.plus(Duration.ofHours(3))).await();
    store.remember(sid(), new SamlSubject("https://other.example/idp", name, null, null, null, "_a"),
        START.plus(Duration.ofHours(3))).await();

    assertThat(store.bySubject(IDP, name).await()).extracting(SamlSessions.Link::sid)
        .containsExactlyInAnyOrder(s1, s2);
    assertThat(store.bySubject(IDP, name).await()).filteredOn(l -> l.sid().equals(s1)).singleElement()
        .extracting(SamlSessions.Link::subject).isEqualTo(subject(name, "_a"));
    clock.advance(Duration.ofHours(2));
    assertThat(store.bySubject(IDP, name).await()).extracting(SamlSessions.Link::sid).containsExactly(s2);
    store.forget(s2).await();
    assertThat(store.bySubject(IDP, name).await()).isEmpty();
    assertThat(store.find(s2).await()).isEmpty();
  }

  @Test
  void rememberWhenValueBreaksTheInputRuleThenRefusedNotStored() {
    assertThatThrownBy(() -> new SamlSubject(IDP, "x\u0000y", null, null, null, null))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.remember("bad\u0001sid", subject("n", null), START.plusSeconds(60)).await())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void takeLogoutWhenStartedThenTheFlowOnceThenReplayed() {
    var flow = new SamlSessions.LogoutFlow("_req1", IDP, "https://rp.example/signed-out", "st");
    String handle = store.startLogout(flow).await();

    assertThat(handle).matches("[A-Za-z0-9_-]{43}").doesNotContain("req1").doesNotContain("rp.example");
    assertThat(store.takeLogout(handle).await()).isEqualTo(new SamlSessions.Lookup.Found(flow));
    assertThat(store.takeLogout(handle).await()).isInstanceOf(SamlSessions.Lookup.Replayed.class);
  }

  @Test
  void takeLogoutWhenNoRedirectThenFlowWithNulls() {
    var flow = new SamlSessions.LogoutFlow("_req2", IDP, null, null);
    assertThat(store.takeLogout(store.startLogout(flow).await()).await())
        .isEqualTo(new SamlSessions.Lookup.Found(flow));
  }

  @Test
  void takeLogoutWhenExpiredUnknownOrMalformedThenSaysWhich() {
    String handle = store.startLogout(new SamlSessions.LogoutFlow("_req3", IDP, null, null)).await();
    clock.advance(LIFETIME);

    assertThat(store.takeLogout(handle).await()).isInstanceOf(SamlSessions.Lookup.Expired.class);
    assertThat(store.takeLogout("A".repeat(43)).await()).isInstanceOf(SamlSessions.Lookup.Missing.class);
    assertThat(store.takeLogout(null).await()).isInstanceOf(SamlSessions.Lookup.Missing.class);
    assertThat(store.takeLogout("x'; DROP TABLE saml_logout_state; --").await())
        .isInstanceOf(SamlSessions.Lookup.Missing.class);
    clock.advance(LIFETIME.plusSeconds(1));
    store.purgeExpired().await();
    assertThat(store.takeLogout(handle).await()).as("purged a lifetime after expiry")
        .isInstanceOf(SamlSessions.Lookup.Missing.class);
  }

  @Test
  void purgeExpiredWhenSessionsExpiredThenOnlyThoseGo() {
    String old = sid();
    String live = sid();
    String name = "dave-" + UUID.randomUUID();
    store.remember(old, subject(name, null), START.plusSeconds(60)).await();
    store.remember(live, subject(name, null), START.plusSeconds(600)).await();
    clock.advance(Duration.ofSeconds(120));
    store.purgeExpired().await();
    clock.advance(Duration.ofSeconds(-120));

    assertThat(store.find(old).await()).isEmpty();
    assertThat(store.find(live).await()).isPresent();
  }

  @Test
  void takeLogoutWhenManyConcurrentTakesThenExactlyOneFindsTheFlow() {
    String handle = store.startLogout(new SamlSessions.LogoutFlow("_req4", IDP, null, null)).await();
    List<Future<SamlSessions.Lookup>> takes = IntStream.range(0, 8).mapToObj(i -> store.takeLogout(handle)).toList();
    List<SamlSessions.Lookup> results = Future.all(takes).await().list();

    assertThat(results).filteredOn(r -> r instanceof SamlSessions.Lookup.Found).hasSize(1);
    assertThat(results).filteredOn(r -> r instanceof SamlSessions.Lookup.Replayed).hasSize(7);
  }

  @Test
  void rememberWhenSameSidAgainThenTheNewerSubject() {
    String sid = sid();
    store.remember(sid, subject("e1", "_x"), START.plusSeconds(600)).await();
    store.remember(sid, subject("e2", "_y"), START.plusSeconds(600)).await();
    assertThat(store.find(sid).await()).isEqualTo(Optional.of(subject("e2", "_y")));
  }
}
