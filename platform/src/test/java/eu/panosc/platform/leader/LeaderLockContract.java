package eu.panosc.platform.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LeaderLock} promises, run against each implementation: of two replicas exactly one leads and never
 * both; when the leader releases, or its connection to the store dies, the other takes over.
 */
abstract class LeaderLockContract {
  /** A new replica with its own connection to the shared store. */
  abstract LeaderLock replica(String identity);

  /** Breaks {@code replica}'s connection to the store without releasing, as when its process or node dies. */
  abstract void cutOff(LeaderLock replica);

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** Whether {@code l} leads now; a lock that cannot be asked does not lead. */
  static boolean leads(LeaderLock l) {
    try {
      return await(l.tryLead());
    } catch (CompletionException e) {
      return false;
    }
  }

  static void eventually(BooleanSupplier c, String what) throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  LeaderLock elect(LeaderLock a, LeaderLock b) throws InterruptedException {
    eventually(() -> leads(a) | leads(b), "one replica leads");
    for (int i = 0; i < 20; i++) {
      boolean la = leads(a);
      boolean lb = leads(b);
      assertThat(la && lb).as("both lead").isFalse();
      assertThat(la || lb).as("one leads").isTrue();
      Thread.sleep(25);
    }
    return leads(a) ? a : b;
  }

  @Test
  void twoReplicasWhenBothAskThenExactlyOneLeadsAndNeverBoth() throws Exception {
    LeaderLock a = replica("replica-a");
    LeaderLock b = replica("replica-b");
    LeaderLock leader = elect(a, b);
    assertThat(leads(leader)).as("leadership is kept while held").isTrue();
    await(a.release());
    await(b.release());
  }

  @Test
  void twoReplicasWhenTheLeaderReleasesThenTheOtherTakesOver() throws Exception {
    LeaderLock a = replica("replica-a");
    LeaderLock b = replica("replica-b");
    LeaderLock leader = elect(a, b);
    LeaderLock other = leader == a ? b : a;
    await(leader.release());
    eventually(() -> leads(other), "the other replica takes over");
    for (int i = 0; i < 10; i++) {
      assertThat(leads(leader)).as("the released replica while the other leads").isFalse();
      Thread.sleep(25);
    }
    await(other.release());
    await(leader.release());
  }

  @Test
  void twoReplicasWhenTheLeadersConnectionDiesThenItStopsLeadingAndTheOtherTakesOver() throws Exception {
    LeaderLock a = replica("replica-a");
    eventually(() -> leads(a), "the first replica leads");
    LeaderLock b = replica("replica-b");
    for (int i = 0; i < 10; i++) {
      assertThat(leads(b)).as("the second replica while the first leads").isFalse();
      Thread.sleep(25);
    }
    cutOff(a);
    eventually(() -> !leads(a), "the stranded leader stops leading");
    eventually(() -> leads(b), "the other replica takes over");
    assertThat(leads(a)).isFalse();
    await(b.release());
  }

  @Test
  void releaseWhenNotLeadingThenHarmless() throws Exception {
    LeaderLock a = replica("replica-a");
    await(a.release());
    eventually(() -> leads(a), "a replica alone leads");
    await(a.release());
    await(a.release());
  }
}
