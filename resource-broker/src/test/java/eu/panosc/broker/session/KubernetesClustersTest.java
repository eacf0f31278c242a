package eu.panosc.broker.session;

import static eu.panosc.broker.Fixtures.kube;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.driver.ActivityAgent;
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
import eu.panosc.broker.store.CountingBrokerStore;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions on three Kubernetes clusters at once (ESRF, ILL, EOSC), each a Fabric8 mock API server in CRUD mode (no real
 * API server can run here; a test may add expectations, answered first); the test plays the kubelet (marking pods
 * ready) and an operator deleting or creating pods behind the broker's back.
 */
class KubernetesClustersTest {
  static final String NS = "sessions";
  static final String ESRF_PID = "10.15151/ESRF-DC-2415001";
  static final String ILL_PID = "10.5291/ILL-DATA.9-10-1650";

  Vertx vertx;
  Map<String, KubernetesMockServer> servers = new LinkedHashMap<>();
  Map<String, KubernetesClient> kubelets = new LinkedHashMap<>();
  Map<String, SessionDriver> drivers = new LinkedHashMap<>();
  InMemoryBrokerStore store;
  MutableClock clock;
  SessionService service;
  Reconciler reconciler;
  InMemoryBrokerStore.Lock lock;
  final Caller alice = new Caller("alice@demo.panosc.eu", false, false, Set.of("esrf:MX-2415"), Set.of("esrf"));

  @BeforeEach
  void clusters() {
    vertx = Vertx.vertx();
    List<Cluster> clusters = List.of(
        kube("esrf-k8s", "esrf", new Resources(512, 4_194_304, 16), 50, start("esrf-k8s"), "esrf-gpfs"),
        kube("ill-k8s", "ill", new Resources(256, 2_097_152, 8), 50, start("ill-k8s"), "ill-nfs"),
        kube("eosc-cloud", null, new Resources(2048, 16_777_216, 64), 50, start("eosc-cloud")));
    for (Cluster c : clusters) {
      drivers.put(c.id(), KubernetesDriver.connect(vertx, c.kubernetes().orElseThrow()));
    }
    store = new InMemoryBrokerStore();
    await(store.putFlavour(new Flavour("gpu", "GPU", new Resources(4, 16_384, 1), Visibility.EVERYONE, 20)));
    await(store.putImage(new Image("jupyter", "JupyterLab", Image.Kind.JUPYTER, "quay.io/jupyter/scipy-notebook:2025-03-17",
        "http", 8888, Visibility.EVERYONE, Set.of())));
    clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    DatasetLocations locations = new DatasetLocations(Map.of(
        ESRF_PID, new DatasetLocations.Location("esrf-gpfs", "/data/visitor/mx2415/id23-1/20250312"),
        ILL_PID, new DatasetLocations.Location("ill-nfs", "/ill/data/2025/d22/9-10-1650")));
    service = new SessionService(store, Placer.standard(), clusters, drivers,
        (user, datasets) -> Future.succeededFuture(Optional.empty()), locations, Rules.defaults(), clock);
    lock = store.lock();
    reconciler = new Reconciler(vertx, service, lock, Duration.ofHours(1));
  }

  private String start(String id) {
    Map<ServerRequest, Queue<ServerResponse>> expected = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expected,
        new KubernetesMixedDispatcher(expected), false);
    server.init();
    servers.put(id, server);
    kubelets.put(id, server.createClient());
    return server.url("/").replaceAll("/+$", "");
  }

  @AfterEach
  void close() {
    await(reconciler.stop());
    drivers.values().forEach(d -> await(d.close()));
    kubelets.values().forEach(KubernetesClient::close);
    servers.values().forEach(KubernetesMockServer::destroy);
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static void eventually(Supplier<Boolean> condition) {
    long end = System.nanoTime() + 20_000_000_000L;
    while (!condition.get()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 20 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  Pod pod(String cluster, String session) {
    return kubelets.get(cluster).pods().inNamespace(NS).withName(SessionObjects.name(session)).get();
  }

  /** Waits until the session's start finished on {@code cluster}: its Service is created after the Pod and Secret. */
  void startedOn(String cluster, String id) {
    eventually(() -> kubelets.get(cluster).services().inNamespace(NS).withName(SessionObjects.name(id)).get() != null);
  }

  Session session(String id) {
    return await(store.get(id)).orElseThrow();
  }

  void markReady(String cluster, String session) {
    Pod p = pod(cluster, session);
    kubelets.get(cluster).pods().inNamespace(NS).resource(new PodBuilder(p).withNewStatus().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).updateStatus();
  }

  @Test
  void createWhenEsrfDataThenPodSecretServiceOnEsrfOnlyFieldByField() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID),
        Optional.of("esrf:MX-2415"))));
    String id = c.session().id();
    assertThat(c.session().state()).isEqualTo(SessionState.STARTING);
    assertThat(c.session().cluster()).contains("esrf-k8s");
    assertThat(c.session().placement().orElseThrow()).startsWith("esrf-k8s scored").contains("mounts esrf-gpfs");
    eventually(() -> pod("esrf-k8s", id) != null
        && kubelets.get("esrf-k8s").services().inNamespace(NS).withName(SessionObjects.name(id)).get() != null);

    Pod pod = pod("esrf-k8s", id);
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "panosc-resource-broker")
        .containsEntry("app.kubernetes.io/component", "analysis-session").containsEntry("panosc.eu/session", id)
        .containsEntry("panosc.eu/image", "jupyter").containsEntry("panosc.eu/flavour", "gpu");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("panosc.eu/owner", "alice@demo.panosc.eu")
        .containsEntry("panosc.eu/proposal", "esrf:MX-2415").containsEntry("panosc.eu/datasets", ESRF_PID);
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    Container box = pod.getSpec().getContainers().get(0);
    assertThat(box.getImage()).isEqualTo("quay.io/jupyter/scipy-notebook:2025-03-17");
    assertThat(box.getPorts().get(0).getContainerPort()).isEqualTo(8888);
    Map<String, Quantity> want = Map.of("cpu", new Quantity("4"), "memory", new Quantity("16384Mi"),
        "nvidia.com/gpu", new Quantity("1"));
    assertThat(box.getResources().getRequests()).isEqualTo(want);
    assertThat(box.getResources().getLimits()).isEqualTo(want);
    assertThat(box.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    // the dataset: read-only from the site's claim, at its path below the claim's root
    var data = pod.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null
        && !v.getName().equals("scratch")).toList();
    assertThat(data).hasSize(1);
    assertThat(data.get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("esrf-gpfs-claim");
    assertThat(data.get(0).getPersistentVolumeClaim().getReadOnly()).isTrue();
    var dataMount = box.getVolumeMounts().stream().filter(m -> m.getName().equals(data.get(0).getName())).findFirst()
        .orElseThrow();
    assertThat(dataMount.getReadOnly()).isTrue();
    assertThat(dataMount.getMountPath()).isEqualTo("/data/1");
    assertThat(dataMount.getSubPath()).isEqualTo("visitor/mx2415/id23-1/20250312");
    assertThat(box.getVolumeMounts()).filteredOn(m -> !m.getName().equals("scratch"))
        .allMatch(m -> Boolean.TRUE.equals(m.getReadOnly()));
    // the access secret: only in the Secret, mounted as a file; never in env, command or args
    var secretVolume = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(secretVolume.getSecret().getSecretName()).isEqualTo(SessionObjects.name(id));
    // readable by the image's user, whoever that is (the file is root's; no fsGroup)
    assertThat(secretVolume.getSecret().getDefaultMode()).isEqualTo(0444);
    assertThat(pod.getSpec().getSecurityContext() == null || pod.getSpec().getSecurityContext().getFsGroup() == null)
        .isTrue();
    assertThat(box.getEnv()).noneMatch(e -> c.accessSecret().equals(e.getValue()) || e.getValueFrom() != null);
    assertThat(String.valueOf(box.getCommand()) + box.getArgs()).doesNotContain(c.accessSecret());
    assertThat(pod.toString()).doesNotContain(c.accessSecret());
    Secret secret = kubelets.get("esrf-k8s").secrets().inNamespace(NS).withName(SessionObjects.name(id)).get();
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("access-secret")), StandardCharsets.UTF_8))
        .isEqualTo(c.accessSecret());
    assertThat(secret.getType()).isEqualTo("Opaque");
    Service svc = kubelets.get("esrf-k8s").services().inNamespace(NS).withName(SessionObjects.name(id)).get();
    assertThat(svc.getSpec().getSelector()).isEqualTo(Map.of("panosc.eu/session", id));
    assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(8888);
    for (var owner : List.of(secret.getMetadata().getOwnerReferences(), svc.getMetadata().getOwnerReferences())) {
      assertThat(owner).hasSize(1);
      assertThat(owner.get(0).getKind()).isEqualTo("Pod");
      assertThat(owner.get(0).getName()).isEqualTo(SessionObjects.name(id));
      assertThat(owner.get(0).getUid()).isEqualTo(pod.getMetadata().getUid());
    }
    // scratch space: a claim of the flavour's size, owned by the pod, mounted read-write at /scratch
    eventually(() -> kubelets.get("esrf-k8s").persistentVolumeClaims().inNamespace(NS)
        .withName(SessionObjects.scratchName(id)).get() != null);
    var scratch = kubelets.get("esrf-k8s").persistentVolumeClaims().inNamespace(NS)
        .withName(SessionObjects.scratchName(id)).get();
    assertThat(scratch.getSpec().getResources().getRequests()).isEqualTo(Map.of("storage", new Quantity("20Gi")));
    assertThat(scratch.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(scratch.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(scratch.getMetadata().getLabels()).containsEntry("panosc.eu/session", id);
    var scratchVolume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("scratch")).findFirst()
        .orElseThrow();
    assertThat(scratchVolume.getPersistentVolumeClaim().getClaimName()).isEqualTo(SessionObjects.scratchName(id));
    assertThat(box.getVolumeMounts().stream().filter(m -> m.getName().equals("scratch")).findFirst().orElseThrow()
        .getMountPath()).isEqualTo("/scratch");
    // nothing elsewhere
    assertThat(pod("ill-k8s", id)).isNull();
    assertThat(pod("eosc-cloud", id)).isNull();
    // without the activity agent (these drivers have none): the session's container alone, the Secret its secret
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("session");
    assertThat(secret.getData()).containsOnlyKeys("access-secret");
  }

  /**
   * The activity agent ({@code services.broker.activityAgent}, on by default in the application): a sidecar of the
   * session's own image runs it as user 65534; its script (from the namespace's ConfigMap, one for both sessions) and
   * the access secret (from the session's Secret, its only key) reach it as files of one projected volume, never as
   * environment values or arguments; a desktop session shares its X server's sockets with it.
   */
  @Test
  void createWhenTheActivityAgentIsOnThenASidecarOfTheSameImageReadsTheSecretFromAFileFieldByField()
      throws Exception {
    var agent = new ActivityAgent(URI.create("https://panosc.example/broker/"), Duration.ofSeconds(45));
    drivers.values().forEach(d -> ((KubernetesDriver) d).activityAgent(Optional.of(agent)));
    await(store.putImage(new Image("desktop", "Desktop", Image.Kind.DESKTOP, "ghcr.io/panosc-eu/remote-desktop:demo",
        "guacamole", 8080, Visibility.EVERYONE, Set.of())));
    Created jupyter = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID),
        Optional.of("esrf:MX-2415"))));
    Created desktop = await(service.create(alice, new NewSession("desktop", "gpu", List.of(ESRF_PID),
        Optional.empty())));
    String id = jupyter.session().id();
    startedOn("esrf-k8s", id);
    startedOn("esrf-k8s", desktop.session().id());

    Pod pod = pod("esrf-k8s", id);
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("session",
        "activity-agent");
    Container box = pod.getSpec().getContainers().get(0);
    Container sidecar = pod.getSpec().getContainers().get(1);
    assertThat(sidecar.getImage()).isEqualTo("quay.io/jupyter/scipy-notebook:2025-03-17");
    assertThat(sidecar.getCommand()).hasSize(3).startsWith("/bin/sh", "-c");
    assertThat(sidecar.getCommand().get(2))
        .contains("exec python3 /var/run/panosc-agent/panosc-activity-agent.py")
        .contains("no python3").contains("exit 0' TERM");
    assertThat(sidecar.getArgs()).isNullOrEmpty();
    Map<String, String> env = new LinkedHashMap<>();
    sidecar.getEnv().forEach(e -> {
      assertThat(e.getValueFrom()).as(e.getName()).isNull();
      env.put(e.getName(), e.getValue());
    });
    assertThat(env).containsExactly(Map.entry("PANOSC_BROKER_URL", "https://panosc.example/broker"),
        Map.entry("PANOSC_SESSION", id),
        Map.entry("PANOSC_SECRET_FILE", "/var/run/panosc-agent/access-secret"),
        Map.entry("PANOSC_ACTIVITY_INTERVAL", "45"),
        Map.entry("PANOSC_JUPYTER_URL", "http://127.0.0.1:8888/broker/s/" + id + "/"),
        Map.entry("PYTHONDONTWRITEBYTECODE", "1"), Map.entry("PYTHONUNBUFFERED", "1"));
    assertThat(sidecar.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("activity-agent");
      assertThat(m.getMountPath()).isEqualTo("/var/run/panosc-agent");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(sidecar.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("10m"), "memory",
        new Quantity("32Mi")));
    assertThat(sidecar.getResources().getLimits()).isEqualTo(Map.of("cpu", new Quantity("100m"), "memory",
        new Quantity("64Mi")));
    assertThat(sidecar.getPorts()).isNullOrEmpty();
    assertThat(sidecar.getReadinessProbe()).isNull();
    var security = sidecar.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(65534L);
    assertThat(security.getRunAsGroup()).isEqualTo(65534L);
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // the agent's volume: one projected directory, the script from the namespace's ConfigMap and the access secret
    // from the session's Secret; the session's own volume holds the access secret only
    var agentVolume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("activity-agent")).findFirst()
        .orElseThrow();
    assertThat(agentVolume.getSecret()).isNull();
    assertThat(agentVolume.getConfigMap()).isNull();
    var projected = agentVolume.getProjected();
    assertThat(projected.getDefaultMode()).isEqualTo(0444);
    assertThat(projected.getSources()).hasSize(2);
    var scriptSource = projected.getSources().get(0);
    assertThat(scriptSource.getSecret()).isNull();
    assertThat(scriptSource.getConfigMap().getName()).isEqualTo(SessionObjects.agentScriptName())
        .matches("panosc-activity-agent-[0-9a-f]{10}");
    assertThat(scriptSource.getConfigMap().getOptional()).isNotEqualTo(Boolean.TRUE);
    assertThat(scriptSource.getConfigMap().getItems()).singleElement().satisfies(i -> {
      assertThat(i.getKey()).isEqualTo("panosc-activity-agent.py");
      assertThat(i.getPath()).isEqualTo("panosc-activity-agent.py");
      assertThat(i.getMode()).isEqualTo(0444);
    });
    var secretSource = projected.getSources().get(1);
    assertThat(secretSource.getConfigMap()).isNull();
    assertThat(secretSource.getSecret().getName()).isEqualTo(SessionObjects.name(id));
    assertThat(secretSource.getSecret().getOptional()).isNotEqualTo(Boolean.TRUE);
    assertThat(secretSource.getSecret().getItems()).singleElement().satisfies(i -> {
      assertThat(i.getKey()).isEqualTo("access-secret");
      assertThat(i.getPath()).isEqualTo("access-secret");
      assertThat(i.getMode()).isEqualTo(0444);
    });
    var sessionVolume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("access-secret"))
        .findFirst().orElseThrow().getSecret();
    assertThat(sessionVolume.getDefaultMode()).isEqualTo(0444);
    assertThat(sessionVolume.getItems()).extracting(i -> i.getKey()).containsExactly("access-secret");
    assertThat(box.getVolumeMounts()).extracting(m -> m.getName()).doesNotContain("activity-agent", "x11");
    assertThat(box.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    // no secret in the environment, command or arguments of either container, nor anywhere in the Pod
    for (Container c : pod.getSpec().getContainers()) {
      assertThat(c.getEnv()).noneMatch(e -> jupyter.accessSecret().equals(e.getValue()) || e.getValueFrom() != null);
      assertThat(String.valueOf(c.getCommand()) + c.getArgs()).doesNotContain(jupyter.accessSecret());
    }
    assertThat(pod.toString()).doesNotContain(jupyter.accessSecret());
    Secret secret = kubelets.get("esrf-k8s").secrets().inNamespace(NS).withName(SessionObjects.name(id)).get();
    assertThat(secret.getData()).containsOnlyKeys("access-secret");
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("access-secret")), StandardCharsets.UTF_8))
        .isEqualTo(jupyter.accessSecret());
    // the script: one ConfigMap for both sessions of the namespace, the script byte for byte, immutable, labelled,
    // owned by no Pod
    var configMaps = kubelets.get("esrf-k8s").configMaps().inNamespace(NS).list().getItems();
    assertThat(configMaps).singleElement().satisfies(cm -> {
      assertThat(cm.getMetadata().getName()).isEqualTo(SessionObjects.agentScriptName());
      assertThat(cm.getImmutable()).isTrue();
      assertThat(cm.getMetadata().getLabels()).containsExactly(
          Map.entry("app.kubernetes.io/managed-by", "panosc-resource-broker"),
          Map.entry("app.kubernetes.io/component", "activity-agent"));
      assertThat(cm.getMetadata().getOwnerReferences()).isNullOrEmpty();
      assertThat(cm.getBinaryData()).isNullOrEmpty();
      assertThat(cm.getData()).containsOnlyKeys("panosc-activity-agent.py");
      String script = cm.getData().get("panosc-activity-agent.py");
      assertThat(script.getBytes(StandardCharsets.UTF_8)).isEqualTo(ActivityAgent.script().getBytes(
          StandardCharsets.UTF_8));
      assertThat(script).startsWith("#!/usr/bin/env python3").contains("/v1/sessions/")
          .doesNotContain(jupyter.accessSecret()).doesNotContain(desktop.accessSecret());
    });
    assertThat(SessionObjects.agentScriptName()).isEqualTo("panosc-activity-agent-" + java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(ActivityAgent.script().getBytes(
            StandardCharsets.UTF_8))).substring(0, 10));

    // a desktop session: no Jupyter to read; the X server's sockets shared through an emptyDir
    Pod desk = pod("esrf-k8s", desktop.session().id());
    Container deskBox = desk.getSpec().getContainers().get(0);
    Container deskAgent = desk.getSpec().getContainers().get(1);
    assertThat(deskAgent.getImage()).isEqualTo("ghcr.io/panosc-eu/remote-desktop:demo");
    assertThat(deskAgent.getEnv()).extracting(e -> e.getName()).doesNotContain("PANOSC_JUPYTER_URL")
        .contains("PANOSC_BROKER_URL", "PANOSC_SESSION", "PANOSC_SECRET_FILE");
    var x11 = desk.getSpec().getVolumes().stream().filter(v -> v.getName().equals("x11")).findFirst().orElseThrow();
    assertThat(x11.getEmptyDir()).isNotNull();
    for (Container c : List.of(deskBox, deskAgent)) {
      assertThat(c.getVolumeMounts()).filteredOn(m -> m.getName().equals("x11")).singleElement().satisfies(m -> {
        assertThat(m.getMountPath()).isEqualTo("/tmp/.X11-unix");
        assertThat(m.getReadOnly()).isFalse();
      });
    }
    assertThat(desk.toString()).doesNotContain(desktop.accessSecret());
  }

  @Test
  void advanceWhenPodReadyThenRunningWithUrlAndNotBefore() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ILL_PID), Optional.empty())));
    String id = c.session().id();
    assertThat(c.session().cluster()).contains("ill-k8s");
    startedOn("ill-k8s", id);
    assertThat(await(service.advance(id)).orElseThrow().state()).isEqualTo(SessionState.STARTING);
    markReady("ill-k8s", id);
    eventually(() -> await(service.advance(id)).orElseThrow().state() == SessionState.RUNNING);
    Session s = session(id);
    assertThat(s.state()).isEqualTo(SessionState.RUNNING);
    assertThat(s.url()).contains("http://panosc-" + id + ".sessions.svc:8888/");
  }

  @Test
  void startWhenRepeatedThenSamePodAndNoError() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    // the first start has finished once its Service (created after the Pod and the Secret) exists
    eventually(() -> kubelets.get("esrf-k8s").services().inNamespace(NS).withName(SessionObjects.name(id)).get() != null);
    String uid = pod("esrf-k8s", id).getMetadata().getUid();
    // a new service (as after a restart) starts it again: create-or-update keeps the pod and its secret
    SessionService restarted = new SessionService(store, Placer.standard(), List.copyOf(clustersOf()), drivers,
        (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of()), Rules.defaults(), clock);
    assertThat(await(restarted.advance(id)).orElseThrow().state()).isEqualTo(SessionState.STARTING);
    assertThat(pod("esrf-k8s", id).getMetadata().getUid()).isEqualTo(uid);
    assertThat(kubelets.get("esrf-k8s").pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  private List<Cluster> clustersOf() {
    return List.of(
        kube("esrf-k8s", "esrf", new Resources(512, 4_194_304, 16), 50, servers.get("esrf-k8s").url("/"), "esrf-gpfs"),
        kube("ill-k8s", "ill", new Resources(256, 2_097_152, 8), 50, servers.get("ill-k8s").url("/"), "ill-nfs"),
        kube("eosc-cloud", null, new Resources(2048, 16_777_216, 64), 50, servers.get("eosc-cloud").url("/")));
  }

  @Test
  void createWhenDataClusterStopsAnsweringThenPlacedElsewhereWithTheReason() {
    servers.get("esrf-k8s").destroy();
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    eventually(() -> session(id).cluster().equals(Optional.of("ill-k8s")) && pod("ill-k8s", id) != null);
    Session s = session(id);
    assertThat(s.state()).isEqualTo(SessionState.STARTING);
    assertThat(s.placement().orElseThrow()).startsWith("ill-k8s scored")
        .contains("esrf-k8s (unhealthy: ").contains("mounts none of the data's storage sites");
    // no mount for data the cluster cannot reach
    assertThat(pod("ill-k8s", id).getSpec().getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null
        && !v.getName().equals("scratch"));
  }

  @Test
  void createWhenEveryClusterStopsAnsweringThenFailedWithTheReason() {
    servers.values().forEach(KubernetesMockServer::destroy);
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    eventually(() -> session(id).state() == SessionState.FAILED);
    assertThat(session(id).failure().orElseThrow()).contains("does not answer").contains("no cluster can run it")
        .contains("esrf-k8s (unhealthy").contains("ill-k8s (unhealthy").contains("eosc-cloud (unhealthy");
  }

  @Test
  void reconcileWhenPodDeletedBehindTheBrokersBackThenFailedAndOrphanPodRemoved() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    startedOn("esrf-k8s", id);
    markReady("esrf-k8s", id);
    assertThat(await(reconciler.pass())).isEqualTo(new Reconciler.Pass(true, 0, 1));
    assertThat(session(id).state()).isEqualTo(SessionState.RUNNING);
    // an operator deletes the pod; another pod appears that the broker never created
    kubelets.get("esrf-k8s").pods().inNamespace(NS).withName(SessionObjects.name(id)).delete();
    kubelets.get("eosc-cloud").pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata()
        .withName("panosc-sorphan").withLabels(Map.of("app.kubernetes.io/managed-by", "panosc-resource-broker",
            "panosc.eu/session", "sorphan")).endMetadata().withNewSpec().addNewContainer().withName("x")
        .withImage("busybox").endContainer().endSpec().build()).create();
    eventually(() -> pod("esrf-k8s", id) == null);
    Reconciler.Pass pass = await(reconciler.pass());
    assertThat(pass.orphansRemoved()).isEqualTo(1);
    assertThat(kubelets.get("eosc-cloud").pods().inNamespace(NS).withName("panosc-sorphan").get()).isNull();
    Session s = session(id);
    assertThat(s.state()).isEqualTo(SessionState.FAILED);
    assertThat(s.failure().orElseThrow()).contains("vanished from cluster esrf-k8s");
  }

  @Test
  void reconcileWhenAnotherReplicaLeadsThenDoesNothing() {
    InMemoryBrokerStore.Lock other = store.lock();
    assertThat(await(other.tryLead())).isTrue();
    try {
      assertThat(await(reconciler.pass())).isEqualTo(new Reconciler.Pass(false, 0, 0));
    } finally {
      await(other.release());
    }
    assertThat(await(reconciler.pass()).led()).isTrue();
  }

  @Test
  void reconcileWhenLifetimeEndedThenStoppedAndObjectsRemoved() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    startedOn("esrf-k8s", id);
    // RUNNING first: a session still STARTING 14 days later would (rightly) fail its start timeout instead
    markReady("esrf-k8s", id);
    await(reconciler.pass());
    assertThat(session(id).state()).isEqualTo(SessionState.RUNNING);
    clock.advance(Duration.ofDays(14));
    await(reconciler.pass());
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
    assertThat(pod("esrf-k8s", id)).isNull();
    assertThat(kubelets.get("esrf-k8s").secrets().inNamespace(NS).withName(SessionObjects.name(id)).get()).isNull();
    assertThat(kubelets.get("esrf-k8s").services().inNamespace(NS).withName(SessionObjects.name(id)).get()).isNull();
    assertThat(kubelets.get("esrf-k8s").persistentVolumeClaims().inNamespace(NS)
        .withName(SessionObjects.scratchName(id)).get()).isNull();
  }

  @Test
  void stopWhenOwnerThenStoppedAndObjectsRemovedAndOthersCannot() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ILL_PID), Optional.empty())));
    String id = c.session().id();
    startedOn("ill-k8s", id);
    Caller mallory = new Caller("mallory@demo.panosc.eu", false, false, Set.of(), Set.of());
    assertThat(await(service.stop(mallory, id).otherwise(e -> null))).isNull();
    assertThat(pod("ill-k8s", id)).isNotNull();
    assertThat(await(service.stop(alice, id)).state()).isEqualTo(SessionState.STOPPED);
    assertThat(pod("ill-k8s", id)).isNull();
  }

  @Test
  void startWhenNotReadyWithinTimeoutThenFailed() {
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ILL_PID), Optional.empty())));
    String id = c.session().id();
    startedOn("ill-k8s", id);
    clock.advance(Duration.ofMinutes(6));
    // once the background start finished, the next step sees the timeout
    eventually(() -> await(service.advance(id)).orElseThrow().state() == SessionState.FAILED);
    Session s = session(id);
    assertThat(s.failure()).contains("the session did not become ready within 300 s");
  }

  @Test
  void reconcileWhenCreateWasInterruptedThenLeftAloneDuringGraceThenFailedWithTheReason() {
    Session orphan = new Session("spending0000000000001", "alice@demo.panosc.eu", Optional.empty(), List.of(ESRF_PID),
        "gpu", "jupyter", new Resources(4, 16_384, 1), Optional.empty(), SessionState.PENDING, Optional.empty(),
        Optional.empty(), Optional.empty(), "ab".repeat(32), clock.instant(), clock.instant(),
        clock.instant().plus(Duration.ofDays(14)), clock.instant());
    await(store.create(orphan, new eu.panosc.broker.model.Quota(2, Optional.empty())));
    await(reconciler.pass());
    assertThat(session(orphan.id()).state()).isEqualTo(SessionState.PENDING);
    clock.advance(Duration.ofMinutes(1));
    await(reconciler.pass());
    Session s = session(orphan.id());
    assertThat(s.state()).isEqualTo(SessionState.FAILED);
    assertThat(s.cluster()).contains("esrf-k8s");
    assertThat(s.failure().orElseThrow()).contains("access secret did not reach the cluster");
    assertThat(pod("esrf-k8s", orphan.id())).isNotNull(); // removed as an orphan by the next pass
    await(reconciler.pass());
    assertThat(pod("esrf-k8s", orphan.id())).isNull();
  }

  /**
   * What one create costs the cluster: the Pod, Secret, Service and scratch claim are created without reading them
   * first (a new session has none: 4 API calls, not 7), and a step that finds the session still starting writes nothing (no
   * transaction: before, every such step of every starting session locked and re-read its row).
   */
  @Test
  void createWhenNewThenObjectsCreatedWithoutReadsAndStartingStepsWriteNothing() throws Exception {
    CountingBrokerStore counting = new CountingBrokerStore(store);
    SessionService counted = new SessionService(counting, Placer.standard(), List.copyOf(clustersOf()), drivers,
        (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of(ILL_PID,
            new DatasetLocations.Location("ill-nfs", "/ill/data/2025/d22/9-10-1650"))), Rules.defaults(), clock);
    Created c = await(counted.create(alice, new NewSession("jupyter", "gpu", List.of(ILL_PID), Optional.empty())));
    String id = c.session().id();
    assertThat(c.session().state()).isEqualTo(SessionState.STARTING);
    startedOn("ill-k8s", id);
    List<String> calls = new java.util.ArrayList<>();
    for (var r = servers.get("ill-k8s").takeRequest(1, java.util.concurrent.TimeUnit.SECONDS); r != null;
        r = servers.get("ill-k8s").takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (!(r.getMethod().equals("GET") && r.getPath().contains("/services/"))) { // not the test's own polling
        calls.add(r.getMethod() + " " + r.getPath().replaceAll("\\?.*$", ""));
      }
    }
    String base = "/api/v1/namespaces/" + NS;
    // (the flavour has scratch space: its claim too)
    assertThat(calls.subList(0, 4)).containsExactly("POST " + base + "/pods", "POST " + base + "/secrets",
        "POST " + base + "/services", "POST " + base + "/persistentvolumeclaims");
    assertThat(calls.subList(4, calls.size())).as("after the start only observing reads").allMatch(x -> x.equals(
        "GET " + base + "/pods/" + SessionObjects.name(id)));
    int before = counting.updates.get();
    for (int i = 0; i < 3; i++) {
      assertThat(await(counted.advance(id)).orElseThrow().state()).isEqualTo(SessionState.STARTING);
    }
    assertThat(counting.updates.get()).as("steps that change nothing write nothing").isEqualTo(before);
    markReady("ill-k8s", id);
    assertThat(await(counted.advance(id)).orElseThrow().state()).isEqualTo(SessionState.RUNNING);
    assertThat(counting.updates.get()).as("the change to RUNNING is written").isEqualTo(before + 1);
    assertThat(session(id).state()).isEqualTo(SessionState.RUNNING);
  }
  void agentOn() {
    var agent = new ActivityAgent(URI.create("https://panosc.example/broker/"), Duration.ofSeconds(45));
    drivers.values().forEach(d -> ((KubernetesDriver) d).activityAgent(Optional.of(agent)));
  }

  /** The POSTs {@code cluster}'s API server got so far (paths without query). */
  List<String> posts(String cluster) throws InterruptedException {
    List<String> calls = new java.util.ArrayList<>();
    for (var r = servers.get(cluster).takeRequest(1, java.util.concurrent.TimeUnit.SECONDS); r != null;
        r = servers.get(cluster).takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (r.getMethod().equals("POST")) {
        calls.add(r.getPath().replaceAll("\\?.*$", ""));
      }
    }
    return calls;
  }

  /**
   * The agent's script is one ConfigMap per namespace of each cluster: two sessions on ESRF's cluster make one (one
   * POST, before the first Pod), a session on ILL's makes ILL's own, EOSC's (no session) has none; stopping the
   * sessions and the reconciler's pass leave them.
   */
  @Test
  void createWhenTheActivityAgentIsOnThenOneConfigMapPerClusterNamespaceKeptWhenSessionsEnd() throws Exception {
    agentOn();
    Created a = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    Created b = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    Caller bob = new Caller("bob@demo.panosc.eu", false, false, Set.of(), Set.of("ill"));
    Created c = await(service.create(bob, new NewSession("jupyter", "gpu", List.of(ILL_PID), Optional.empty())));
    startedOn("esrf-k8s", a.session().id());
    startedOn("esrf-k8s", b.session().id());
    startedOn("ill-k8s", c.session().id());
    String base = "/api/v1/namespaces/" + NS;
    List<String> esrf = posts("esrf-k8s");
    assertThat(esrf).filteredOn(p -> p.endsWith("/configmaps")).containsExactly(base + "/configmaps");
    assertThat(esrf.indexOf(base + "/configmaps")).isLessThan(esrf.indexOf(base + "/pods"));
    assertThat(posts("ill-k8s")).filteredOn(p -> p.endsWith("/configmaps")).containsExactly(base + "/configmaps");
    for (String cluster : List.of("esrf-k8s", "ill-k8s")) {
      assertThat(kubelets.get(cluster).configMaps().inNamespace(NS).list().getItems()).as(cluster)
          .extracting(cm -> cm.getMetadata().getName()).containsExactly(SessionObjects.agentScriptName());
    }
    assertThat(kubelets.get("eosc-cloud").configMaps().inNamespace(NS).list().getItems()).isEmpty();

    await(service.stop(alice, a.session().id()));
    await(service.stop(alice, b.session().id()));
    await(service.stop(bob, c.session().id()));
    await(reconciler.pass());
    for (String cluster : List.of("esrf-k8s", "ill-k8s")) {
      assertThat(kubelets.get(cluster).pods().inNamespace(NS).list().getItems()).as(cluster).isEmpty();
      assertThat(kubelets.get(cluster).configMaps().inNamespace(NS).list().getItems()).as(cluster).hasSize(1);
    }
  }

  /**
   * A cluster whose API server refuses the ConfigMap (the Role without {@code configmaps}): the session FAILS like on
   * any refused object, its reason naming the ConfigMap and the namespace, and nothing of it is left on the cluster.
   */
  @Test
  void createWhenTheConfigMapIsRefusedThenFailedNamingItAndNothingLeft() throws Exception {
    agentOn();
    servers.get("esrf-k8s").expect().post().withPath("/api/v1/namespaces/" + NS + "/configmaps").andReturn(403,
        Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "Forbidden", "code", 403,
            "message", "configmaps is forbidden")).always();
    Created c = await(service.create(alice, new NewSession("jupyter", "gpu", List.of(ESRF_PID), Optional.empty())));
    String id = c.session().id();
    eventually(() -> session(id).state() == SessionState.FAILED);
    assertThat(session(id).cluster()).contains("esrf-k8s");
    assertThat(session(id).failure().orElseThrow()).startsWith("starting on esrf-k8s failed: ")
        .contains("the activity agent's ConfigMap " + SessionObjects.agentScriptName() + " in namespace " + NS)
        .contains("HTTP 403").contains("configmaps is forbidden").doesNotContain(c.accessSecret());
    assertThat(posts("esrf-k8s")).isNotEmpty().allMatch(p -> p.endsWith("/configmaps"));
    var k = kubelets.get("esrf-k8s");
    assertThat(k.pods().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(k.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(k.services().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(k.persistentVolumeClaims().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(k.configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }
}
