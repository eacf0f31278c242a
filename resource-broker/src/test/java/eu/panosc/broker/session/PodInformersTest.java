package eu.panosc.broker.session;

import static eu.panosc.broker.Fixtures.kube;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.driver.kubernetes.KubernetesDriver;
import eu.panosc.broker.driver.kubernetes.SessionObjects;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pod informers on two Kubernetes clusters at once (ESRF and ILL, each a Fabric8 mock API server in CRUD mode, which
 * serves watches; no real API server can run here), wired as {@code BrokerApplication} wires them, with no reconciler
 * pass at all: a pod turning Ready or Failed, or deleted behind the broker's back, reaches its session's state within
 * a second; when one cluster stops answering the other's informer goes on, and the first lists again once its API
 * server is back (a pod that vanished meanwhile makes its session FAILED).
 */
class PodInformersTest {
  static final String NS = "sessions";
  static final String ESRF_PID = "10.15151/ESRF-DC-2415001";
  static final String ILL_PID = "10.5291/ILL-DATA.9-10-1650";
  /** The goal: a pod's change reaches the session within a second (the reconciler's poll is every 10 s). */
  static final Duration PROMPT = Duration.ofSeconds(1);

  Vertx vertx;
  final Map<String, KubernetesMockServer> servers = new LinkedHashMap<>();
  final Map<String, KubernetesClient> kubelets = new LinkedHashMap<>();
  final Map<String, KubernetesDriver> drivers = new LinkedHashMap<>();
  InMemoryBrokerStore store;
  SessionService service;
  final Caller alice = new Caller("alice@demo.panosc.eu", false, false, Set.of(), Set.of("esrf", "ill"));

  @BeforeEach
  void clusters() {
    vertx = Vertx.vertx();
    List<Cluster> clusters = List.of(
        kube("esrf-k8s", "esrf", new Resources(512, 4_194_304, 16), 50, start("esrf-k8s", 0), "esrf-gpfs"),
        kube("ill-k8s", "ill", new Resources(256, 2_097_152, 8), 50, start("ill-k8s", 0), "ill-nfs"));
    Map<String, SessionDriver> byCluster = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      KubernetesDriver d = KubernetesDriver.connect(vertx, c.kubernetes().orElseThrow());
      drivers.put(c.id(), d);
      byCluster.put(c.id(), d);
    }
    store = new InMemoryBrokerStore();
    await(store.putFlavour(new Flavour("small", "Small", new Resources(1, 2048, 0), Visibility.EVERYONE, 0)));
    await(store.putImage(new Image("jupyter", "JupyterLab", Image.Kind.JUPYTER,
        "quay.io/jupyter/scipy-notebook:2025-03-17", "http", 8888, Visibility.EVERYONE, Set.of())));
    DatasetLocations locations = new DatasetLocations(Map.of(
        ESRF_PID, new DatasetLocations.Location("esrf-gpfs", "/data/visitor/mx2415/id23-1/20250312"),
        ILL_PID, new DatasetLocations.Location("ill-nfs", "/ill/data/2025/d22/9-10-1650")));
    service = new SessionService(store, Placer.standard(), clusters, byCluster,
        (user, datasets) -> Future.succeededFuture(Optional.empty()), locations, Rules.defaults(),
        new MutableClock(Instant.now()));
    // as BrokerApplication.watchPods does
    drivers.forEach((cluster, d) -> d.watch((id, observation) -> service.observed(cluster, id, observation)));
    eventually("both informers watch", Duration.ofSeconds(20),
        () -> drivers.values().stream().allMatch(KubernetesDriver::watching));
  }

  private String start(String id, int port) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    if (port == 0) {
      server.init();
    } else {
      server.init(InetAddress.getLoopbackAddress(), port);
    }
    servers.put(id, server);
    KubernetesClient previous = kubelets.put(id, server.createClient());
    if (previous != null) {
      previous.close();
    }
    return server.url("/").replaceAll("/+$", "");
  }

  @AfterEach
  void close() {
    drivers.values().forEach(d -> await(d.close()));
    kubelets.values().forEach(KubernetesClient::close);
    servers.values().forEach(KubernetesMockServer::destroy);
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static void eventually(String what, Duration within, Supplier<Boolean> condition) {
    long begin = System.nanoTime();
    long end = begin + within.toNanos();
    while (!condition.get()) {
      assertThat(System.nanoTime()).as(what + " within " + within.toMillis() + " ms").isLessThan(end);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    System.out.printf("%s: %d ms%n", what, (System.nanoTime() - begin) / 1_000_000);
  }

  Session session(String id) {
    return await(store.get(id)).orElseThrow();
  }

  Pod pod(String cluster, String session) {
    return kubelets.get(cluster).pods().inNamespace(NS).withName(SessionObjects.name(session)).get();
  }

  /** A session started on the cluster holding {@code dataset}'s storage (its Service exists: the start finished). */
  String started(String dataset, String cluster) {
    Created c = await(service.create(alice, new NewSession("jupyter", "small", List.of(dataset), Optional.empty())));
    String id = c.session().id();
    assertThat(c.session().cluster()).contains(cluster);
    eventually("the start finished", Duration.ofSeconds(20), () -> kubelets.get(cluster).services().inNamespace(NS)
        .withName(SessionObjects.name(id)).get() != null);
    assertThat(session(id).state()).isEqualTo(SessionState.STARTING);
    return id;
  }

  void status(String cluster, String session, String phase, boolean ready) {
    Pod p = pod(cluster, session);
    kubelets.get(cluster).pods().inNamespace(NS).resource(new PodBuilder(p).withNewStatus().withPhase(phase)
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build())
        .updateStatus();
  }

  @Test
  void podReadyThenFailedThenDeletedOnTwoClustersWhenNoPassRunsThenEachReachesItsSessionWithinASecond() {
    String onEsrf = started(ESRF_PID, "esrf-k8s");
    String onIll = started(ILL_PID, "ill-k8s");
    // a pod not yet ready changes nothing
    status("esrf-k8s", onEsrf, "Pending", false);

    status("esrf-k8s", onEsrf, "Running", true);
    eventually("ESRF pod Ready -> RUNNING", PROMPT, () -> session(onEsrf).state() == SessionState.RUNNING);
    assertThat(session(onEsrf).url()).contains(SessionObjects.url(onEsrf, NS, 8888));
    status("ill-k8s", onIll, "Running", true);
    eventually("ILL pod Ready -> RUNNING", PROMPT, () -> session(onIll).state() == SessionState.RUNNING);

    status("ill-k8s", onIll, "Failed", false);
    eventually("ILL pod Failed -> FAILED", PROMPT, () -> session(onIll).state() == SessionState.FAILED);
    assertThat(session(onIll).failure()).hasValueSatisfying(f -> assertThat(f).contains("pod failed"));

    kubelets.get("esrf-k8s").pods().inNamespace(NS).withName(SessionObjects.name(onEsrf)).delete();
    eventually("ESRF pod deleted -> FAILED", PROMPT, () -> session(onEsrf).state() == SessionState.FAILED);
    assertThat(session(onEsrf).failure()).hasValueSatisfying(f -> assertThat(f).contains("vanished from cluster "
        + "esrf-k8s"));
  }

  @Test
  void stopWhenThePodIsDeletedByTheBrokerThenStoppedNotFailed() {
    String id = started(ESRF_PID, "esrf-k8s");
    status("esrf-k8s", id, "Running", true);
    eventually("RUNNING", PROMPT, () -> session(id).state() == SessionState.RUNNING);
    await(service.stop(alice, id));
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
    try {
      Thread.sleep(500); // the informer has seen the deletion by now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
  }

  @Test
  void clusterStopsAnsweringWhenTheOtherChangesThenStillPromptAndOnReturnTheInformerListsAgain() throws Exception {
    String onIll = started(ILL_PID, "ill-k8s");
    status("ill-k8s", onIll, "Running", true);
    eventually("ILL RUNNING", PROMPT, () -> session(onIll).state() == SessionState.RUNNING);
    int illPort = URI.create(servers.get("ill-k8s").url("/")).getPort();

    servers.get("ill-k8s").destroy();
    eventually("ILL's informer notices", Duration.ofSeconds(20), () -> !drivers.get("ill-k8s").watching());
    // ESRF's informer is not held up by ILL's
    String onEsrf = started(ESRF_PID, "esrf-k8s");
    status("esrf-k8s", onEsrf, "Running", true);
    eventually("ESRF pod Ready -> RUNNING while ILL is down", PROMPT,
        () -> session(onEsrf).state() == SessionState.RUNNING);
    assertThat(session(onIll).state()).as("nothing known about ILL meanwhile").isEqualTo(SessionState.RUNNING);

    // ILL's API server back on the same address, without the session's pod (it vanished meanwhile)
    start("ill-k8s", illPort);
    eventually("ILL's informer lists again and sees the pod gone", Duration.ofSeconds(60),
        () -> session(onIll).state() == SessionState.FAILED);
    assertThat(session(onIll).failure()).hasValueSatisfying(f -> assertThat(f).contains("vanished from cluster "
        + "ill-k8s"));
    // and watches again: ILL's changes arrive at once again
    eventually("ILL's informer watches again", Duration.ofSeconds(60), () -> drivers.get("ill-k8s").watching());
    String again = started(ILL_PID, "ill-k8s");
    status("ill-k8s", again, "Running", true);
    eventually("ILL pod Ready -> RUNNING after the outage", PROMPT,
        () -> session(again).state() == SessionState.RUNNING);
  }
}
