package eu.panosc.helm;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.driver.ActivityAgent;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.kubernetes.IngressSettings;
import eu.panosc.broker.driver.kubernetes.KubernetesDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.staging.KubernetesStaging;
import eu.panosc.broker.staging.StagingJob;
import eu.panosc.broker.staging.StagingSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's Role in a session namespace against what the resource-broker's code really asks of the API server:
 * its {@code KubernetesDriver} (its pod informer; sessions with scratch space, an Ingress and the activity agent, whose
 * script's ConfigMap it creates: start, start again, observe, list, stop)
 * and {@code KubernetesStaging} (start, observe, remove) run against a Fabric8 mock API server (CRUD mode; no real
 * API server can run here), every request recorded and turned into the RBAC verb it needs. Every call must be
 * granted, and every grant must have been used.
 */
class ChartSessionRbacTest {
  static final String NS = "panosc-sessions";
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  Vertx vertx;
  MockCluster k8s;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    k8s = new MockCluster();
  }

  @AfterEach
  void stop() {
    k8s.close();
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void theSessionRoleGrantsExactlyWhatTheBrokerCalls() throws Exception {
    List<HasMetadata> objects = Chart.parse(Chart.template(Chart.ci("full-values.yaml"), Map.of()));
    Role role = Chart.all(objects, Role.class).stream().filter(r -> r.getMetadata().getName()
        .equals("panosc-broker-sessions") && NS.equals(r.getMetadata().getNamespace())).findFirst().orElseThrow();

    String id = "sabcdefghij0123456789";
    var session = new Session(id, "alice@demo.panosc.eu", Optional.of("esrf:MX-2415"), List.of("10.5/a"), "scratch",
        "jupyter", new Resources(1, 2048, 0), Optional.of("esrf-k8s"), SessionState.STARTING, Optional.empty(),
        Optional.empty(), Optional.empty(), "ab".repeat(32), T0, T0, T0.plus(Duration.ofDays(14)), T0);
    var image = new Image("jupyter", "Jupyter", Image.Kind.JUPYTER, "quay.io/jupyter/base-notebook:2025-03-17",
        "http", 8888, Visibility.EVERYONE, Set.of());
    var flavour = new Flavour("scratch", "Scratch", new Resources(1, 2048, 0), Visibility.EVERYONE, 10);
    var spec = new LaunchSpec(session, image, flavour, Optional.of("the-access-secret"), List.of());
    var target = new Cluster.KubernetesTarget(k8s.server.url("/").replaceAll("/+$", ""), NS, Optional.empty(), false);
    var ingress = new IngressSettings("sessions.esrf.example", "/broker/s/",
        URI.create("https://panosc.example.org/broker/v1/auth"), Optional.of("nginx"), Optional.empty());
    k8s.takeCalls();

    KubernetesDriver driver = KubernetesDriver.connect(vertx, target, Optional.of(ingress)).activityAgent(Optional.of(
        new ActivityAgent(URI.create("https://panosc.example.org/broker"), Duration.ofSeconds(60))));
    try {
      driver.watch((sessionId, observation) -> { }); // its pod informer: list, then watch
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!driver.watching()) {
        assertThat(System.nanoTime()).as("the informer watches within 20 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      await(driver.start(spec));
      await(driver.start(spec)); // again: everything exists, the Secret, Service and Ingress are updated
      await(driver.observe(id));
      await(driver.upstream(id));
      await(driver.sessions());
      await(driver.stop(id));
    } finally {
      await(driver.close());
    }
    try (KubernetesClient client = k8s.server.createClient()) {
      KubernetesStaging staging = new KubernetesStaging(vertx, client, NS, StagingSettings.DEFAULTS);
      var job = new StagingJob(id, "panosc-" + id + "-scratch", 12, List.of(new StagingJob.Item(1, "10.5/a",
          URI.create("https://data.esrf.example/dav/a"), 1024)), Map.of("panosc.eu/session", id));
      await(staging.start(job));
      await(staging.observe(id));
      await(staging.remove(id));
    }
    Set<String> calls = new TreeSet<>(k8s.takeCalls());

    Set<String> granted = new TreeSet<>();
    for (PolicyRule r : role.getRules()) {
      for (String group : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String verb : r.getVerbs()) {
            granted.add((group.isEmpty() ? "" : group + "/") + res + ":" + verb);
          }
        }
      }
    }
    // a call on a named object needs the verb on its resource (the Role names no objects)
    Set<String> needed = new TreeSet<>();
    for (String c : calls) {
      String[] rv = c.split(":");
      String[] parts = rv[0].split("/");
      boolean core = Set.of("pods", "services", "secrets", "persistentvolumeclaims", "configmaps").contains(parts[0]);
      String resource = core ? parts[0] : parts[0] + "/" + parts[1];
      needed.add(resource + ":" + rv[1]);
    }
    assertThat(granted).as("granted = called (calls: %s)", calls).isEqualTo(needed);
  }
}
