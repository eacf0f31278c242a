package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.leader.LeaseLeaderLock;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Two replicas of the broker's singleton (the reconciler) as the chart configures them: the Lease's namespace and
 * name read from the rendered {@code broker.yaml}, the chart's objects applied to one Fabric8 mock API server (CRUD
 * mode; no real API server can run here, and the mock does not enforce RBAC, which {@link ChartRenderTest} checks
 * rule by rule). Exactly one leads; when it stops, the other takes over.
 */
class ChartLeaderElectionTest {
  Vertx vertx;
  MockCluster k8s;
  final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    k8s = new MockCluster();
  }

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    k8s.close();
    vertx.close().await();
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

  @SuppressWarnings("unchecked")
  @Test
  void exactlyOneReplicaLeadsAndTheOtherTakesOver() throws Exception {
    List<HasMetadata> objects = Chart.parse(Chart.template(null, Chart.REQUIRED));
    objects.forEach(k8s::apply);
    Map<String, Object> cfg = new Yaml().load(Chart.one(objects, ConfigMap.class, "panosc-config").getData()
        .get("broker.yaml"));
    Map<String, Object> election = (Map<String, Object>) cfg.get("leader");
    assertThat(election.get("kind")).isEqualTo("lease");
    String ns = (String) election.get("namespace");
    // the name Leadership gives the broker's singleton "reconciler": <leaseName>-<service>-<singleton>
    String name = election.get("leaseName") + "-broker-reconciler";
    assertThat(ns).isEqualTo(Chart.NAMESPACE);
    assertThat(name).isEqualTo("panosc-broker-reconciler");

    k8s.takeCalls(); // the chart's objects being applied
    LeaseLeaderLock a = replica(ns, name, "panosc-broker-7d9f-a");
    LeaseLeaderLock b = replica(ns, name, "panosc-broker-7d9f-b");
    leads(a);
    leads(b);
    eventually(() -> leads(a) || leads(b), "a leader");
    LeaseLeaderLock leader = leads(a) ? a : b;
    LeaseLeaderLock other = leader == a ? b : a;
    for (int i = 0; i < 10; i++) {
      assertThat(leads(leader)).isTrue();
      assertThat(leads(other)).as("never two leaders").isFalse();
      Thread.sleep(100);
    }
    Lease held = k8s.client.leases().inNamespace(ns).withName(name).get();
    assertThat(held.getSpec().getHolderIdentity()).isEqualTo(leader.identity());

    leader.release().await();
    eventually(() -> leads(other), "the other replica takes over");
    assertThat(leads(leader)).as("the stopped replica does not lead").isFalse();
    assertThat(k8s.client.leases().inNamespace(ns).withName(name).get().getSpec().getHolderIdentity())
        .isEqualTo(other.identity());
    other.release().await();

    // what the election asked of the API server is exactly what the chart's Role grants
    Set<String> calls = new TreeSet<>(k8s.takeCalls());
    assertThat(calls).containsExactlyInAnyOrder("coordination.k8s.io/leases:create",
        "coordination.k8s.io/leases/panosc-broker-reconciler:get",
        "coordination.k8s.io/leases/panosc-broker-reconciler:patch");
    Role role = Chart.one(objects, Role.class, "panosc-broker-leader");
    Set<String> granted = new TreeSet<>();
    for (PolicyRule r : role.getRules()) {
      for (String verb : r.getVerbs()) {
        for (String res : r.getResources()) {
          String names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? ""
              : "/" + String.join(",", r.getResourceNames());
          granted.add(r.getApiGroups().getFirst() + "/" + res + names + ":" + verb);
        }
      }
    }
    assertThat(granted).isEqualTo(calls);
  }

  LeaseLeaderLock replica(String ns, String name, String identity) {
    KubernetesClient c = k8s.server.createClient();
    clients.add(c);
    return new LeaseLeaderLock(vertx, c, ns, name, identity, Duration.ofMillis(1500), Duration.ofMillis(1000),
        Duration.ofMillis(200));
  }
}
