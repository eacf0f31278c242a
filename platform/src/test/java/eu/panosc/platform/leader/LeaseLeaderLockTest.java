package eu.panosc.platform.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link LeaderLock} contract for the Kubernetes Lease (Fabric8 {@code LeaderElector}), each replica its own
 * client of one Fabric8 mock API server in CRUD mode (no real API server can run here); short timings (1.5 s lease,
 * 1 s renew deadline, 200 ms retry) so take-overs happen within the test.
 */
class LeaseLeaderLockTest extends LeaderLockContract {
  static final String NS = "panosc";
  static final String NAME = "panosc-test-contract";
  Vertx vertx;
  KubernetesMockServer server;
  final List<KubernetesClient> clients = new ArrayList<>();
  final Map<LeaderLock, KubernetesClient> clientOf = new IdentityHashMap<>();

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
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Override
  LeaderLock replica(String identity) {
    KubernetesClient c = server.createClient();
    clients.add(c);
    LeaseLeaderLock l = new LeaseLeaderLock(vertx, c, NS, NAME, identity, Duration.ofMillis(1500),
        Duration.ofMillis(1000), Duration.ofMillis(200));
    clientOf.put(l, c);
    return l;
  }

  @Override
  void cutOff(LeaderLock replica) {
    // its connection to the API server breaks (as when its node is partitioned): it cannot renew
    clientOf.get(replica).close();
  }

  Lease lease() {
    return server.createClient().leases().inNamespace(NS).withName(NAME).get();
  }

  @Test
  void leaseWhenLeadingThenNamesTheLeaderAsHolder() throws Exception {
    LeaseLeaderLock a = (LeaseLeaderLock) replica("broker-7d9f-a");
    eventually(() -> leads(a), "a replica alone leads");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("broker-7d9f-a");
    await(a.release());
  }

  @Test
  void constructorWhenTimingsInconsistentThenRefused() {
    KubernetesClient c = server.createClient();
    clients.add(c);
    assertThatThrownBy(() -> new LeaseLeaderLock(vertx, c, NS, "x", "me", Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseDuration > renewDeadline");
  }
}
