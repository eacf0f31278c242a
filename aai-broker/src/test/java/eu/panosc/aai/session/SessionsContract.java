package eu.panosc.aai.session;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Sessions} store must do: a session is found by its cookie value until it expires or ends, ends
 * once (also when two logouts race), expired sessions are handed back once by the purge, and an identity that cannot
 * be stored is refused with {@link InvalidInputException}.
 */
public abstract class SessionsContract {
  protected static final Duration LIFETIME = Duration.ofHours(8);
  private static final Instant START = Instant.parse("2031-06-01T10:00:00Z");

  protected MutableClock clock;
  protected Sessions store;

  protected abstract Sessions newStore(Clock clock, Duration lifetime);

  /** The transactions of the store's backend. */
  protected abstract Transactions transactions();

  /** Makes sure the user of {@code identity} exists (a session belongs to a known user); returns the identity. */
  protected abstract UpstreamIdentity existingUser(UpstreamIdentity identity);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME);
  }

  private UpstreamIdentity identity() {
    return existingUser(new UpstreamIdentity("session-user-" + UUID.randomUUID(), "N", null, List.of(), List.of(),
        "https://refeds.org/profile/mfa", List.of("pwd", "otp")));
  }

  @Test
  void findWhenCreatedThenTheSessionWithItsLogin() {
    UpstreamIdentity who = identity();
    String id = store.create(who).await();

    Optional<Sessions.Session> found = store.find(id).await();

    assertThat(found).hasValueSatisfying(s -> {
      assertThat(s.userId()).isEqualTo(who.userId());
      assertThat(s.authTime()).isEqualTo(START);
      assertThat(s.acr()).isEqualTo("https://refeds.org/profile/mfa");
      assertThat(s.amr()).containsExactly("pwd", "otp");
      assertThat(s.sid()).isNotBlank().isNotEqualTo(id);
    });
    assertThat(store.lifetime()).isEqualTo(LIFETIME);
  }

  @Test
  void createWhenTwiceForOneUserThenTwoSessionsWithDistinctSids() {
    UpstreamIdentity who = identity();
    String a = store.create(who).await();
    String b = store.create(who).await();

    assertThat(a).isNotEqualTo(b);
    assertThat(store.find(a).await().orElseThrow().sid()).isNotEqualTo(store.find(b).await().orElseThrow().sid());
  }

  @Test
  void findWhenIdUnknownOrNotAnIdThenEmpty() {
    for (String garbage : List.of("", "nope", "a\u0000b", "x".repeat(100_000))) {
      assertThat(store.find(garbage).await()).isEmpty();
      assertThat(store.end(garbage).await()).isEmpty();
    }
    assertThat(store.find(null).await()).isEmpty();
    assertThat(store.end((String) null).await()).isEmpty();
  }

  @Test
  void findWhenLifetimePassedThenEmptyAndPurgeHandsItBackOnce() {
    UpstreamIdentity who = identity();
    String id = store.create(who).await();
    String sid = store.find(id).await().orElseThrow().sid();
    clock.advance(LIFETIME);

    assertThat(store.find(id).await()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.purgeExpired().await()).contains(new Sessions.Ended(sid, who.userId()));
    assertThat(store.purgeExpired().await()).doesNotContain(new Sessions.Ended(sid, who.userId()));
  }

  @Test
  void endWhenTwoLogoutsRaceThenItEndsExactlyOnce() {
    UpstreamIdentity who = identity();
    String id = store.create(who).await();
    String sid = store.find(id).await().orElseThrow().sid();
    List<Future<Optional<Sessions.Ended>>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(store.end(id));
    }
    Future.join(all).await();

    assertThat(all).filteredOn(f -> f.result().isPresent()).singleElement()
        .satisfies(f -> assertThat(f.result()).contains(new Sessions.Ended(sid, who.userId())));
    assertThat(store.find(id).await()).isEmpty();
  }

  @Test
  void endWhenInATransactionThatRollsBackThenTheSessionLivesAndWhenCommittedItEnds() throws Exception {
    UpstreamIdentity who = identity();
    String id = store.create(who).await();
    String sid = store.find(id).await().orElseThrow().sid();

    Throwable failure = StoreFailures.of(transactions().inTransaction(tx -> store.end(tx, id)
        .compose(ended -> Future.failedFuture(new IllegalStateException("later step failed")))));

    assertThat(failure).hasMessage("later step failed");
    assertThat(store.find(id).await()).isPresent();
    assertThat(transactions().inTransaction(tx -> store.end(tx, id)).await())
        .contains(new Sessions.Ended(sid, who.userId()));
    assertThat(store.find(id).await()).isEmpty();
  }

  @Test
  void endSidWhenTheSessionsSidThenItEndsOnceAndOtherSessionsLive() {
    UpstreamIdentity who = identity();
    String id = store.create(who).await();
    String other = store.create(who).await();
    String sid = store.find(id).await().orElseThrow().sid();

    assertThat(transactions().inTransaction(tx -> store.endSid(tx, sid)).await())
        .contains(new Sessions.Ended(sid, who.userId()));
    assertThat(store.find(id).await()).isEmpty();
    assertThat(store.find(other).await()).as("another session of the same user").isPresent();
    assertThat(transactions().inTransaction(tx -> store.endSid(tx, sid)).await()).isEmpty();
    assertThat(transactions().inTransaction(tx -> store.endSid(tx, "no-such-sid")).await()).isEmpty();
    assertThat(transactions().inTransaction(tx -> store.endSid(tx, null)).await()).isEmpty();
  }

  @Test
  void purgeExpiredWhenInATransactionThatRollsBackThenTheExpiredSessionIsHandedBackAgainLater() throws Exception {
    UpstreamIdentity who = identity();
    String sid = store.find(store.create(who).await()).await().orElseThrow().sid();
    clock.advance(LIFETIME.plusSeconds(1));
    Sessions.Ended ended = new Sessions.Ended(sid, who.userId());

    assertThat(StoreFailures.of(transactions().inTransaction(tx -> store.purgeExpired(tx)
        .compose(all -> Future.failedFuture(new IllegalStateException("later step failed")))))).isNotNull();

    assertThat(transactions().inTransaction(store::purgeExpired).await()).contains(ended);
    assertThat(store.purgeExpired().await()).doesNotContain(ended);
  }

  @Test
  void createWhenTheLoginCannotBeStoredThenInvalidInputAndNoSession() throws Exception {
    UpstreamIdentity good = identity();
    for (UpstreamIdentity bad : List.of(
        new UpstreamIdentity(good.userId(), "N", null, List.of(), List.of(), "a\u0000b", List.of()),
        new UpstreamIdentity(good.userId(), "N", null, List.of(), List.of(), "acr", List.of("pwd\u0000")),
        new UpstreamIdentity(good.userId(), "N", null, List.of(), List.of(), "\ud800", List.of()))) {
      assertThat(StoreFailures.of(store.create(bad))).isInstanceOf(InvalidInputException.class);
    }
  }
}
