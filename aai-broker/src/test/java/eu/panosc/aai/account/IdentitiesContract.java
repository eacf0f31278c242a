package eu.panosc.aai.account;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Identities} store must do: a user's own id is their first identity; an identity is linked to one
 * user only (explicitly, never by equal names or e-mail addresses), also when two users link it at once; the user's
 * own identity cannot be unlinked, another's identity cannot be touched; what cannot be stored is refused.
 */
public abstract class IdentitiesContract {
  private static final Instant START = Instant.parse("2031-08-01T10:00:00Z");
  protected MutableClock clock;
  protected Identities store;
  protected Users users;
  private String run;

  /** The store under test and the users store it refers to (users are created through it). */
  protected abstract Identities newStore(Clock clock);

  protected abstract Users newUsers(Clock clock);

  @BeforeEach
  void newStores() {
    clock = new MutableClock(START);
    store = newStore(clock);
    users = newUsers(clock);
    run = UUID.randomUUID().toString().substring(0, 8);
  }

  /** A user created by a first login of {@code name}, with these name and e-mail. */
  private String user(String name, String displayName, String email) {
    UpstreamIdentity id = new UpstreamIdentity(name + "-" + run + "@example.org", displayName, email, List.of(),
        List.of(), "https://refeds.org/sfa", List.of());
    users.recordLogin(id).await();
    store.remember(id.userId(), id.userId(), "demo", displayName).await();
    return id.userId();
  }

  private String subject(String name) {
    return "https://idp.example.org!" + name + "-" + run;
  }

  @Test
  void ownerWhenNeverSeenThenEmptyAndAUsersOwnIdIsTheirs() {
    String alice = user("alice", "Alice", "alice@example.org");
    assertThat(store.owner(subject("nobody")).await()).isEmpty();
    assertThat(store.owner(alice).await()).contains(alice);
    List<Identities.LinkedIdentity> ids = store.of(alice).await();
    assertThat(ids).singleElement().satisfies(i -> {
      assertThat(i.subject()).isEqualTo(alice);
      assertThat(i.upstream()).isEqualTo("demo");
      assertThat(i.displayName()).isEqualTo("Alice");
      assertThat(i.linkedAt()).isEqualTo(START);
    });
  }

  @Test
  void ofWhenAUserFromBeforeLinkingThenTheirOwnIdIsTheirOneIdentity() {
    UpstreamIdentity old = new UpstreamIdentity("old-" + run + "@example.org", "Olga", "olga@example.org", List.of(),
        List.of(), "https://refeds.org/sfa", List.of());
    users.recordLogin(old).await();

    assertThat(store.owner(old.userId()).await()).contains(old.userId());
    assertThat(store.of(old.userId()).await()).singleElement().satisfies(i -> {
      assertThat(i.subject()).isEqualTo(old.userId());
      assertThat(i.upstream()).as("not recorded").isNull();
      assertThat(i.displayName()).isEqualTo("Olga");
    });
    assertThat(store.unlink(old.userId(), old.userId()).await()).isEqualTo(Identities.UnlinkOutcome.PRIMARY);
  }

  @Test
  void linkWhenFreeThenResolvesToTheUserAndListedAfterTheirOwn() {
    String alice = user("alice", "Alice", "alice@example.org");
    clock.advance(java.time.Duration.ofMinutes(5));
    String eduteams = subject("alice-eduteams");

    assertThat(store.link(eduteams, alice, "eduteams", "Alice E.").await()).isEqualTo(Identities.LinkOutcome.LINKED);

    assertThat(store.owner(eduteams).await()).contains(alice);
    assertThat(store.of(alice).await()).extracting(Identities.LinkedIdentity::subject).containsExactly(alice, eduteams);
    assertThat(store.of(alice).await().get(1).linkedAt()).isEqualTo(START.plusSeconds(300));
    assertThat(store.link(eduteams, alice, "eduteams", "Alice E.").await())
        .isEqualTo(Identities.LinkOutcome.ALREADY_YOURS);
  }

  @Test
  void linkWhenAnotherUsersIdentityOrIdThenTakenAndNothingChanges() {
    String alice = user("alice", "Alice", "shared@example.org");
    String bob = user("bob", "Alice", "shared@example.org");
    String eduteams = subject("bob-eduteams");
    store.link(eduteams, bob, "eduteams", "Bob").await();

    assertThat(store.link(eduteams, alice, "eduteams", "Bob").await()).isEqualTo(Identities.LinkOutcome.TAKEN);
    assertThat(store.link(bob, alice, "demo", "Alice").await()).as("bob's own id").isEqualTo(Identities.LinkOutcome.TAKEN);
    assertThat(store.owner(eduteams).await()).contains(bob);
    assertThat(store.owner(bob).await()).contains(bob);
    assertThat(store.of(alice).await()).as("equal name and e-mail link nothing").extracting(
        Identities.LinkedIdentity::subject).containsExactly(alice);
  }

  @Test
  void linkWhenTwoUsersAtOnceThenOneGetsIt() {
    String alice = user("alice", "Alice", "a@example.org");
    String bob = user("bob", "Bob", "b@example.org");
    String contested = subject("contested");
    List<Future<Identities.LinkOutcome>> all = IntStream.range(0, 8)
        .mapToObj(i -> store.link(contested, i % 2 == 0 ? alice : bob, "eduteams", "X")).toList();
    Future.join(all).await();
    List<Identities.LinkOutcome> outcomes = all.stream().map(Future::result).toList();
    String owner = store.owner(contested).await().orElseThrow();
    assertThat(outcomes).filteredOn(o -> o == Identities.LinkOutcome.LINKED).hasSize(1);
    assertThat(outcomes).filteredOn(o -> o == Identities.LinkOutcome.TAKEN).hasSize(4);
    assertThat(owner).isIn(alice, bob);
  }

  @Test
  void unlinkWhenLinkedThenGoneButTheOwnIdAndOthersIdentitiesStay() {
    String alice = user("alice", "Alice", "a@example.org");
    String bob = user("bob", "Bob", "b@example.org");
    String second = subject("alice-2");
    String bobs = subject("bob-2");
    store.link(second, alice, "umbrellaid", "Alice U.").await();
    store.link(bobs, bob, "umbrellaid", "Bob U.").await();

    assertThat(store.unlink(alice, alice).await()).isEqualTo(Identities.UnlinkOutcome.PRIMARY);
    assertThat(store.unlink(alice, bobs).await()).isEqualTo(Identities.UnlinkOutcome.NOT_YOURS);
    assertThat(store.unlink(alice, bob).await()).isEqualTo(Identities.UnlinkOutcome.NOT_YOURS);
    assertThat(store.unlink(alice, second).await()).isEqualTo(Identities.UnlinkOutcome.UNLINKED);
    assertThat(store.unlink(alice, second).await()).isEqualTo(Identities.UnlinkOutcome.NOT_YOURS);

    assertThat(store.owner(second).await()).as("free again: a later login is a new user").isEmpty();
    assertThat(store.owner(bobs).await()).contains(bob);
    assertThat(store.of(alice).await()).extracting(Identities.LinkedIdentity::subject).containsExactly(alice);
  }

  @Test
  void rememberWhenAnotherUsersIdentityThenLeftAlone() {
    String alice = user("alice", "Alice", "a@example.org");
    String bob = user("bob", "Bob", "b@example.org");
    String bobs = subject("bob-3");
    store.link(bobs, bob, "umbrellaid", "Bob U.").await();
    clock.advance(java.time.Duration.ofHours(1));

    store.remember(bobs, alice, "demo", "Mallory").await();
    store.remember(bobs, bob, null, null).await();

    assertThat(store.owner(bobs).await()).contains(bob);
    Identities.LinkedIdentity b = store.of(bob).await().get(1);
    assertThat(b.displayName()).isEqualTo("Bob U.");
    assertThat(b.upstream()).as("an unknown upstream keeps the known one").isEqualTo("umbrellaid");
    assertThat(b.lastLogin()).isEqualTo(START.plusSeconds(3600));
  }

  @Test
  void linkWhenUnstorableTextThenInvalidInput() {
    String alice = user("alice", "Alice", "a@example.org");
    Future<Identities.LinkOutcome> nul = store.link("x\u0000y", alice, "demo", "A");
    Future<Identities.LinkOutcome> longName = store.link(subject("z"), alice, "demo", "n".repeat(257));
    assertThat(nul.failed() || nul.otherwiseEmpty().await() == null).isTrue();
    assertThat(nul.cause()).isInstanceOf(InvalidInputException.class);
    assertThat(longName.cause()).isInstanceOf(InvalidInputException.class);
    assertThat(store.owner("x\u0000y").await()).isEmpty();
    assertThat(store.unlink(alice, "x\u0000y").await()).isEqualTo(Identities.UnlinkOutcome.NOT_YOURS);
  }
}
