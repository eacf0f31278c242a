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
import eu.panosc.broker.staging.InMemoryStagingStore;
import eu.panosc.broker.staging.KubernetesStaging;
import eu.panosc.broker.staging.Staging;
import eu.panosc.broker.staging.StagingProgress;
import eu.panosc.broker.staging.StagingSettings;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data staging on a Fabric8 mock API server in CRUD mode (no real API server can run here) standing in for an EOSC
 * cloud that cannot mount the facilities' storage: the session goes STAGING with an Indexed Job copying each dataset
 * from its site's data endpoint into the session's scratch claim (asserted field by field); the test plays the Job
 * controller, flipping the Job's status; progress, success (STARTING, the pod mounting the staged copies read-only),
 * failure (FAILED with the Job's reason), a Job deleted behind the broker's back, and a site without an endpoint.
 */
class StagingTest {
  static final String NS = "sessions";
  static final String ESRF_1 = "10.15151/ESRF-DC-2415001";
  static final String ESRF_2 = "10.15151/ESRF-DC-2415002";
  static final String XFEL = "10.22003/XFEL.EU-DATA-002712-00";
  static final long GIB = 1L << 30;

  Vertx vertx;
  KubernetesMockServer server;
  KubernetesClient kube;
  SessionDriver driver;
  InMemoryBrokerStore store;
  InMemoryStagingStore progress;
  MutableClock clock;
  SessionService service;
  Reconciler reconciler;
  final Caller alice = new Caller("alice@demo.panosc.eu", false, false, Set.of("esrf:MX-2415"), Set.of("esrf"));

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    server.init();
    kube = server.createClient();
    Cluster eosc = kube("eosc-cloud", null, new Resources(2048, 16_777_216, 64), 50,
        server.url("/").replaceAll("/+$", ""));
    KubernetesDriver k = KubernetesDriver.connect(vertx, eosc.kubernetes().orElseThrow());
    driver = k;
    store = new InMemoryBrokerStore();
    await(store.putFlavour(new Flavour("small", "Small", new Resources(2, 4096, 0), Visibility.EVERYONE, 10)));
    await(store.putImage(new Image("jupyter", "JupyterLab", Image.Kind.JUPYTER, "quay.io/jupyter/scipy-notebook:2025-03-17",
        "http", 8888, Visibility.EVERYONE, Set.of())));
    clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    DatasetLocations locations = new DatasetLocations(Map.of(
        ESRF_1, new DatasetLocations.Location("esrf-gpfs", "/data/visitor/mx2415/id23-1/20250312", 3 * GIB),
        ESRF_2, new DatasetLocations.Location("esrf-gpfs", "/data/visitor/mx2415/id23-1/20250313", GIB / 2),
        XFEL, new DatasetLocations.Location("euxfel-maxwell", "/gpfs/exfel/exp/SPB/202402/p002712/raw", GIB)));
    StagingSettings settings = new StagingSettings("registry.example/rclone:1.69.1", Duration.ofHours(6),
        Map.of("esrf-gpfs", URI.create("https://data.esrf.example/dav/")));
    progress = new InMemoryStagingStore();
    service = new SessionService(store, Placer.standard(), List.of(eosc), Map.of("eosc-cloud", driver),
        (user, datasets) -> Future.succeededFuture(Optional.empty()), locations, Rules.defaults(), clock);
    service.staging(new Staging(progress, settings, id -> id.equals("eosc-cloud")
        ? Optional.of(new KubernetesStaging(vertx, k.client(), k.namespace(), settings)) : Optional.empty(), clock));
    reconciler = new Reconciler(vertx, service, store.lock(), Duration.ofHours(1));
  }

  @AfterEach
  void stop() {
    await(reconciler.stop());
    await(driver.close());
    kube.close();
    server.destroy();
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  Session session(String id) {
    return await(store.get(id)).orElseThrow();
  }

  Job job(String id) {
    return kube.batch().v1().jobs().inNamespace(NS).withName(KubernetesStaging.jobName(id)).get();
  }

  /** The session's staging progress: written once the Job's create was answered, so a moment after it is visible. */
  StagingProgress progressOf(String id) {
    KubernetesClustersTest.eventually(() -> await(progress.get(id)).isPresent());
    return await(progress.get(id)).orElseThrow();
  }

  void flipStatus(String id, String completedIndexes, String condition, String reason) {
    kube.batch().v1().jobs().inNamespace(NS).withName(KubernetesStaging.jobName(id)).editStatus(j -> {
      var st = new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withCompletedIndexes(completedIndexes)
          .withSucceeded(completedIndexes.isEmpty() ? 0 : completedIndexes.split(",").length);
      if (condition != null) {
        st.withConditions(new JobConditionBuilder().withType(condition).withStatus("True").withReason(reason)
            .withMessage(reason == null ? null : "Job has reached the specified backoff limit").build());
      }
      j.setStatus(st.build());
      return j;
    });
  }

  String createStaged() {
    Created c = await(service.create(alice, new NewSession("jupyter", "small", List.of(ESRF_1, ESRF_2),
        Optional.of("esrf:MX-2415"))));
    assertThat(c.session().state()).isEqualTo(SessionState.STAGING);
    assertThat(c.session().cluster()).contains("eosc-cloud");
    KubernetesClustersTest.eventually(() -> job(c.session().id()) != null);
    return c.session().id();
  }

  @Test
  void createWhenTheClusterCannotMountTheSiteThenStagingJobAndClaimFieldByField() {
    Created c = await(service.create(alice, new NewSession("jupyter", "small", List.of(ESRF_1, ESRF_2),
        Optional.of("esrf:MX-2415"))));
    String id = c.session().id();
    KubernetesClustersTest.eventually(() -> job(id) != null);
    Job j = job(id);
    assertThat(j.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(j.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "panosc-resource-broker")
        .containsEntry("app.kubernetes.io/component", "data-staging").containsEntry("panosc.eu/staging-for", id)
        .containsEntry("panosc.eu/role", "staging").doesNotContainKey(SessionObjects.SESSION);
    var spec = j.getSpec();
    assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
    assertThat(spec.getCompletions()).isEqualTo(2);
    assertThat(spec.getParallelism()).isEqualTo(2);
    assertThat(spec.getBackoffLimit()).isEqualTo(6);
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(6 * 3600L);
    var pod = spec.getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getContainers()).hasSize(1);
    Container copy = pod.getContainers().get(0);
    assertThat(copy.getImage()).isEqualTo("registry.example/rclone:1.69.1");
    assertThat(copy.getCommand()).hasSize(3).startsWith("/bin/sh", "-c");
    assertThat(copy.getCommand().get(2)).contains("rclone copy --http-url \"$src\" :http: \"$dst\"")
        .contains("JOB_COMPLETION_INDEX");
    Map<String, String> env = copy.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsEntry("PANOSC_SOURCE_0", "https://data.esrf.example/dav/data/visitor/mx2415/id23-1/20250312")
        .containsEntry("PANOSC_TARGET_0", "/staging/staged/1")
        .containsEntry("PANOSC_SOURCE_1", "https://data.esrf.example/dav/data/visitor/mx2415/id23-1/20250313")
        .containsEntry("PANOSC_TARGET_1", "/staging/staged/2").containsEntry("HOME", "/tmp").hasSize(5);
    // the access secret never reaches the staging Job
    assertThat(j.toString()).doesNotContain(c.accessSecret());
    assertThat(copy.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(copy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(copy.getResources().getLimits()).containsEntry("cpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("512Mi"));
    assertThat(copy.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("scratch");
      assertThat(m.getMountPath()).isEqualTo("/staging");
    });
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("scratch");
      assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(SessionObjects.scratchName(id));
      assertThat(v.getPersistentVolumeClaim().getReadOnly()).isFalse();
    });
    // the claim: the flavour's 10 GiB + the data (3.5 GiB → 4) + 1
    PersistentVolumeClaim claim = kube.persistentVolumeClaims().inNamespace(NS).withName(SessionObjects.scratchName(id))
        .get();
    assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("15Gi"));
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    // no session pod yet
    assertThat(kube.pods().inNamespace(NS).withName(SessionObjects.name(id)).get()).isNull();
    StagingProgress p = progressOf(id);
    assertThat(p.state()).isEqualTo(StagingProgress.State.RUNNING);
    assertThat(p.datasets()).isEqualTo(2);
    assertThat(p.done()).isZero();
    assertThat(p.bytesTotal()).isEqualTo(3 * GIB + GIB / 2);
  }

  @Test
  void stagingWhenTheJobProgressesAndCompletesThenProgressRecordedThenStartingWithStagedMountsReadOnly() {
    String id = createStaged();
    flipStatus(id, "1", null, null);
    await(reconciler.pass());
    assertThat(session(id).state()).isEqualTo(SessionState.STAGING);
    StagingProgress p = progressOf(id);
    assertThat(p.done()).isEqualTo(1);
    assertThat(p.bytesDone()).isEqualTo(GIB / 2);
    assertThat(await(service.stagingProgress(List.of(session(id))))).containsKey(id);

    clock.advance(Duration.ofMinutes(3));
    flipStatus(id, "0-1", "Complete", null);
    await(reconciler.pass());
    KubernetesClustersTest.eventually(() -> kube.pods().inNamespace(NS).withName(SessionObjects.name(id)).get() != null);
    assertThat(session(id).state()).isEqualTo(SessionState.STARTING);
    assertThat(progressOf(id).state()).isEqualTo(StagingProgress.State.SUCCEEDED);
    assertThat(progressOf(id).bytesDone()).isEqualTo(3 * GIB + GIB / 2);
    KubernetesClustersTest.eventually(() -> job(id) == null);
    Pod pod = kube.pods().inNamespace(NS).withName(SessionObjects.name(id)).get();
    var mounts = pod.getSpec().getContainers().get(0).getVolumeMounts();
    assertThat(mounts).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/data/1");
      assertThat(m.getSubPath()).isEqualTo("staged/1");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(mounts).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/data/2");
      assertThat(m.getSubPath()).isEqualTo("staged/2");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getPersistentVolumeClaim()).isNotNull();
      assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(SessionObjects.scratchName(id));
      assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
    });
  }

  @Test
  void stagingWhenTheJobFailsThenFailedWithItsReasonAndTheJobRemoved() {
    String id = createStaged();
    flipStatus(id, "0", "Failed", "BackoffLimitExceeded");
    await(reconciler.pass());
    Session s = session(id);
    assertThat(s.state()).isEqualTo(SessionState.FAILED);
    assertThat(s.failure().orElseThrow()).contains("staging the data on eosc-cloud failed")
        .contains("1 of 2 datasets copied").contains("BackoffLimitExceeded");
    assertThat(progressOf(id).state()).isEqualTo(StagingProgress.State.FAILED);
    assertThat(progressOf(id).reason().orElseThrow()).contains("BackoffLimitExceeded");
    KubernetesClustersTest.eventually(() -> job(id) == null);
    assertThat(kube.pods().inNamespace(NS).withName(SessionObjects.name(id)).get()).isNull();
  }

  @Test
  void stagingWhenTheJobIsDeletedBehindTheBrokersBackThenCreatedAgain() {
    String id = createStaged();
    kube.batch().v1().jobs().inNamespace(NS).withName(KubernetesStaging.jobName(id)).delete();
    KubernetesClustersTest.eventually(() -> job(id) == null);
    await(reconciler.pass());
    assertThat(session(id).state()).isEqualTo(SessionState.STAGING);
    assertThat(job(id)).isNotNull();
    assertThat(job(id).getSpec().getCompletions()).isEqualTo(2);
  }

  @Test
  void stopWhenStagingThenJobAndClaimRemoved() {
    String id = createStaged();
    Session s = await(service.stop(alice, id));
    assertThat(s.state()).isEqualTo(SessionState.STOPPED);
    KubernetesClustersTest.eventually(() -> job(id) == null);
    assertThat(kube.persistentVolumeClaims().inNamespace(NS).withName(SessionObjects.scratchName(id)).get()).isNull();
  }

  @Test
  void createWhenASiteHasNoDataEndpointThenFailedNamingTheSetting() {
    Created c = await(service.create(alice, new NewSession("jupyter", "small", List.of(ESRF_1, XFEL),
        Optional.empty())));
    Session s = c.session();
    assertThat(s.state()).isEqualTo(SessionState.FAILED);
    assertThat(s.failure().orElseThrow()).contains(XFEL).contains("euxfel-maxwell")
        .contains("services.broker.staging.endpoints.euxfel-maxwell");
    assertThat(job(s.id())).isNull();
  }
}
