package eu.panosc.aai.logout;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.aai.store.Transactions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogoutOutbox} must do: one delivery per client that got tokens in the session, enqueued with the
 * caller's transaction (a rollback enqueues nothing); a claim leases its deliveries (no claim, on any replica, sees
 * them until the lease ends) and counts the attempt; two replicas claiming at once get every delivery exactly once;
 * a delivery tried again later waits its delay; a finished one is gone.
 */
public abstract class LogoutOutboxContract {
  private static final Duration LEASE = Duration.ofMinutes(1);

  protected LogoutOutbox outbox;

  /** A replica's outbox; every instance shares one backend. */
  protected abstract LogoutOutbox newOutbox();

  /** The transactions of that backend. */
  protected abstract Transactions transactions();

  /** Records that {@code clients} got tokens (each an access token) in session {@code sid} of {@code userId}. */
  protected abstract void sessionWithClients(String sid, String userId, List<String> clients);

  /** Records that {@code client} was granted in session {@code sid} but never got an access token. */
  protected abstract void sessionWithGrantOnly(String sid, String userId, String client);

  /** Empties the backend's outbox. */
  protected abstract void clear();

  @BeforeEach
  void newStore() {
    clear();
    outbox = newOutbox();
  }

  private static String sid() {
    return "sid-" + UUID.randomUUID();
  }

  private String userWithSession(String sid, List<String> clients) {
    String user = "user-" + UUID.randomUUID();
    sessionWithClients(sid, user, clients);
    return user;
  }

  private int enqueue(String sid, String user) {
    return transactions().inTransaction(tx -> outbox.enqueue(tx, sid, user)).await();
  }

  @Test
  void enqueueWhenTheSessionHadClientsThenOneDeliveryPerClientThatGotTokens() {
    String sid = sid();
    String user = userWithSession(sid, List.of("client-a", "client-b", "client-a"));
    sessionWithGrantOnly(sid, user, "client-c");
    userWithSession(sid(), List.of("client-d"));

    assertThat(enqueue(sid, user)).isEqualTo(2);

    List<LogoutOutbox.Delivery> claimed = outbox.claim(10, LEASE).await();
    assertThat(claimed).extracting(LogoutOutbox.Delivery::clientId).containsExactlyInAnyOrder("client-a", "client-b");
    assertThat(claimed).allSatisfy(d -> {
      assertThat(d.sid()).isEqualTo(sid);
      assertThat(d.userId()).isEqualTo(user);
      assertThat(d.attempt()).isEqualTo(1);
    });
    assertThat(enqueue(sid(), user)).as("a session without clients").isZero();
  }

  @Test
  void enqueueWhenTheTransactionRollsBackThenNothingIsEnqueued() throws Exception {
    String sid = sid();
    String user = userWithSession(sid, List.of("client-a"));

    Throwable failure = StoreFailures.of(transactions().inTransaction(tx -> outbox.enqueue(tx, sid, user)
        .compose(n -> Future.failedFuture(new IllegalStateException("the session could not be ended")))));

    assertThat(failure).hasMessage("the session could not be ended");
    assertThat(outbox.pending().await()).isZero();
    assertThat(outbox.claim(10, LEASE).await()).isEmpty();
  }

  @Test
  void claimWhenLeasedThenNoReplicaClaimsItUntilTheLeaseEndsAndThenItCountsTheNextAttempt() throws Exception {
    String sid = sid();
    enqueue(sid, userWithSession(sid, List.of("client-a")));
    LogoutOutbox other = newOutbox();

    assertThat(outbox.claim(10, Duration.ofMillis(300)).await()).singleElement()
        .satisfies(d -> assertThat(d.attempt()).isEqualTo(1));
    assertThat(outbox.claim(10, LEASE).await()).isEmpty();
    assertThat(other.claim(10, LEASE).await()).isEmpty();
    assertThat(outbox.pending().await()).isEqualTo(1);
    Thread.sleep(400);

    assertThat(other.claim(10, LEASE).await()).singleElement().satisfies(d -> assertThat(d.attempt()).isEqualTo(2));
  }

  @Test
  void claimWhenMoreAreDueThanTheLimitThenAtMostTheLimit() {
    String sid = sid();
    enqueue(sid, userWithSession(sid, List.of("client-a", "client-b", "client-c")));

    assertThat(outbox.claim(2, LEASE).await()).hasSize(2);
    assertThat(outbox.claim(2, LEASE).await()).hasSize(1);
  }

  @Test
  void claimWhenTwoReplicasClaimTogetherThenEveryDeliveryGoesToExactlyOne() {
    String sid = sid();
    enqueue(sid, userWithSession(sid, IntStream.range(0, 120).mapToObj(i -> "client-" + i).toList()));
    LogoutOutbox first = newOutbox();
    LogoutOutbox second = newOutbox();

    List<Future<List<LogoutOutbox.Delivery>>> claims = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      claims.add(first.claim(9, LEASE));
      claims.add(second.claim(9, LEASE));
    }
    Future.all(claims).await();

    List<Long> ids = new ArrayList<>();
    claims.forEach(c -> c.result().forEach(d -> ids.add(d.id())));
    Set<Long> distinct = new HashSet<>(ids);
    assertThat(ids).hasSize(120);
    assertThat(distinct).hasSize(120);
    assertThat(first.claim(50, LEASE).await()).as("all leased").isEmpty();
    claims.forEach(c -> assertThat(c.result()).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1)));
  }

  @Test
  void retryLaterWhenTheDelayPassedThenClaimedAgainWithTheNextAttemptAndNotBefore() throws Exception {
    String sid = sid();
    enqueue(sid, userWithSession(sid, List.of("client-a")));
    LogoutOutbox.Delivery d = outbox.claim(10, LEASE).await().get(0);

    outbox.retryLater(d.id(), Duration.ofMillis(300), "HTTP 503").await();
    assertThat(outbox.claim(10, LEASE).await()).as("still waiting").isEmpty();
    Thread.sleep(400);

    assertThat(outbox.claim(10, LEASE).await()).singleElement().satisfies(x -> {
      assertThat(x.id()).isEqualTo(d.id());
      assertThat(x.attempt()).isEqualTo(2);
    });
  }

  @Test
  void doneWhenCalledThenTheDeliveryIsGoneForEveryReplica() {
    String sid = sid();
    enqueue(sid, userWithSession(sid, List.of("client-a", "client-b")));
    List<LogoutOutbox.Delivery> claimed = outbox.claim(10, Duration.ZERO).await();
    assertThat(outbox.pending().await()).isEqualTo(2);

    outbox.done(claimed.get(0).id()).await();
    outbox.done(claimed.get(0).id()).await(); // again: no harm

    assertThat(outbox.pending().await()).isEqualTo(1);
    assertThat(newOutbox().claim(10, LEASE).await()).singleElement()
        .satisfies(x -> assertThat(x.id()).isEqualTo(claimed.get(1).id()));
  }
}
