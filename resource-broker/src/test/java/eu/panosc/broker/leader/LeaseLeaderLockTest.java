package eu.panosc.broker.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two broker replicas electing a leader through one Lease on a Fabric8 mock API server in CRUD mode (no real API
 * server can run here): exactly one leads; when it releases (shutdown) or stops renewing (its API connection gone),
 * the other takes over.
 */
class LeaseLeaderLockTest {
  static final String NS = "panosc";
  Vertx vertx;
  KubernetesMockServer server;
  final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    server.init();
  }

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
    vertx.close().await();
  }

  LeaseLeaderLock replica(String identity) {
    KubernetesClient c = server.createClient();
    clients.add(c);
    return new LeaseLeaderLock(vertx, c, NS, "panosc-broker-reconciler", identity, Duration.ofMillis(1500),
        Duration.ofMillis(1000), Duration.ofMillis(200));
  }

  static boolean leads(LeaseLeaderLock l) {
    return l.tryLead().toCompletionStage().toCompletableFuture().join();
  }

  static void eventually(BooleanSupplier c, String what) throws InterruptedException {
    long end = System.nanoTime() + 15_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  Lease lease() {
    return server.createClient().leases().inNamespace(NS).withName("panosc-broker-reconciler").get();
  }

  @Test
  void twoReplicasWhenTheLeaderReleasesThenExactlyOneLeadsAndTheOtherTakesOver() throws Exception {
    LeaseLeaderLock a = replica("broker-a");
    LeaseLeaderLock b = replica("broker-b");
    eventually(() -> leads(a) | leads(b), "one replica leads");
    // for a while, never both
    for (int i = 0; i < 20; i++) {
      assertThat(leads(a) && leads(b)).as("both lead").isFalse();
      assertThat(leads(a) || leads(b)).isTrue();
      Thread.sleep(50);
    }
    LeaseLeaderLock leader = leads(a) ? a : b;
    LeaseLeaderLock other = leader == a ? b : a;
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
    leader.release().toCompletionStage().toCompletableFuture().join();
    assertThat(leads(leader)).as("a released replica restarts its election and does not lead at once").isFalse();
    leader.release().toCompletionStage().toCompletableFuture().join();
    eventually(() -> leads(other), "the other replica takes over");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(other.identity());
    assertThat(leads(leader)).isFalse();
    other.release().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void twoReplicasWhenTheLeaderCannotRenewThenItStopsLeadingAndTheOtherTakesOver() throws Exception {
    LeaseLeaderLock a = replica("broker-a");
    eventually(() -> leads(a), "the first replica leads");
    LeaseLeaderLock b = replica("broker-b");
    for (int i = 0; i < 10; i++) {
      assertThat(leads(b)).isFalse();
      Thread.sleep(50);
    }
    // the leader's connection to the API server breaks (as when its node is partitioned): it cannot renew
    clients.get(0).close();
    eventually(() -> !leads(a), "the stranded leader stops leading once it cannot renew");
    eventually(() -> leads(b), "the other replica takes the Lease after it expired");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("broker-b");
    b.release().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void constructorWhenTimingsInconsistentThenRefused() {
    KubernetesClient c = server.createClient();
    clients.add(c);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeaseLeaderLock(vertx, c, NS, "x", "me",
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration > renewDeadline");
    assertThat(Future.succeededFuture(true).result()).isTrue();
  }
}
