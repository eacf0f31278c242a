package eu.panosc.broker.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.Upstream;
import eu.panosc.broker.model.Resources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.HashMap;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-session Ingress with the broker's forward-auth, and the proxy's upstream read from the cluster, asserted
 * field by field on a Fabric8 mock API server in CRUD mode.
 */
class KubernetesIngressTest {
  static final String NS = "sessions";
  Vertx vertx;
  KubernetesMockServer server;
  KubernetesClient kubelet;
  KubernetesDriver driver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    kubelet = server.createClient();
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      await(driver.close());
    }
    kubelet.close();
    server.destroy();
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  KubernetesDriver driver(Optional<IngressSettings> ingress) {
    var target = Fixtures.kube("esrf-k8s", "esrf", new Resources(8, 16_384, 0), 50,
        server.url("/").replaceAll("/+$", "")).kubernetes().orElseThrow();
    driver = KubernetesDriver.connect(vertx, target, ingress);
    return driver;
  }

  static LaunchSpec spec(String id) {
    return Fixtures.launchSpec(id);
  }

  @Test
  void startWhenIngressConfiguredThenIngressWithForwardAuthFieldByFieldAndStopRemovesIt() {
    IngressSettings settings = new IngressSettings("sessions.esrf.example", "/broker/s/",
        URI.create("https://panosc.esrf.example/broker/v1/auth"), Optional.of("nginx"), Optional.of("sessions-tls"));
    KubernetesDriver d = driver(Optional.of(settings));
    String id = "sabcdefghij0123456789";
    await(d.start(spec(id)));
    Ingress ing = kubelet.network().v1().ingresses().inNamespace(NS).withName("panosc-" + id).get();
    assertThat(ing).isNotNull();
    Pod pod = kubelet.pods().inNamespace(NS).withName("panosc-" + id).get();
    assertThat(ing.getMetadata().getLabels()).containsEntry("panosc.eu/session", id)
        .containsEntry("app.kubernetes.io/managed-by", "panosc-resource-broker");
    assertThat(ing.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Pod");
      assertThat(o.getName()).isEqualTo("panosc-" + id);
      assertThat(o.getUid()).isEqualTo(pod.getMetadata().getUid());
      assertThat(o.getController()).isTrue();
    });
    assertThat(ing.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/auth-url", "https://panosc.esrf.example/broker/v1/auth")
        .containsEntry("nginx.ingress.kubernetes.io/auth-method", "GET")
        .containsEntry("nginx.ingress.kubernetes.io/auth-response-headers", "X-Panosc-User,X-Panosc-Access")
        .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
    assertThat(ing.getMetadata().getAnnotations().values()).noneMatch(v -> v.contains("the-access-secret"));
    assertThat(ing.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ing.getSpec().getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getHost()).isEqualTo("sessions.esrf.example");
      assertThat(rule.getHttp().getPaths()).singleElement().satisfies(p -> {
        assertThat(p.getPath()).isEqualTo("/broker/s/" + id + "/");
        assertThat(p.getPathType()).isEqualTo("Prefix");
        assertThat(p.getBackend().getService().getName()).isEqualTo("panosc-" + id);
        assertThat(p.getBackend().getService().getPort().getNumber()).isEqualTo(8888);
      });
    });
    assertThat(ing.getSpec().getTls()).singleElement().satisfies(t -> {
      assertThat(t.getHosts()).containsExactly("sessions.esrf.example");
      assertThat(t.getSecretName()).isEqualTo("sessions-tls");
    });
    // idempotent: a second start keeps one Ingress
    await(d.start(spec(id)));
    assertThat(kubelet.network().v1().ingresses().inNamespace(NS).list().getItems()).hasSize(1);
    await(d.stop(id));
    assertThat(kubelet.network().v1().ingresses().inNamespace(NS).withName("panosc-" + id).get()).isNull();
  }

  /** With an Ingress on another path, the activity agent looks for a Jupyter image's API under that path. */
  @Test
  void startWhenIngressAndActivityAgentThenTheAgentsJupyterUrlIsUnderTheIngressPath() {
    IngressSettings settings = new IngressSettings("sessions.esrf.example", "/sessions/",
        URI.create("https://panosc.esrf.example/broker/v1/auth"), Optional.empty(), Optional.empty());
    KubernetesDriver d = driver(Optional.of(settings)).activityAgent(Optional.of(new eu.panosc.broker.driver
        .ActivityAgent(URI.create("https://panosc.esrf.example/broker"), java.time.Duration.ofMinutes(1))));
    String id = "sagentingress00000000";
    await(d.start(spec(id)));
    Pod pod = kubelet.pods().inNamespace(NS).withName("panosc-" + id).get();
    var sidecar = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("activity-agent"))
        .findFirst().orElseThrow();
    assertThat(sidecar.getEnv()).filteredOn(e -> e.getName().equals("PANOSC_JUPYTER_URL")).singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("http://127.0.0.1:8888/sessions/" + id + "/"));
    assertThat(sidecar.getEnv()).filteredOn(e -> e.getName().equals("PANOSC_ACTIVITY_INTERVAL")).singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("60"));
    assertThat(pod.toString()).doesNotContain("the-access-secret");
  }

  @Test
  void startWhenNoIngressConfiguredThenNoneAndNoTlsWithoutSecret() {
    KubernetesDriver d = driver(Optional.empty());
    await(d.start(spec("snoingress00000000000")));
    assertThat(kubelet.network().v1().ingresses().inNamespace(NS).list().getItems()).isEmpty();
    var minimal = SessionObjects.ingress(spec("sminimal000000000000"), NS, kubelet.pods().inNamespace(NS)
        .withName("panosc-snoingress00000000000").get(), new IngressSettings("h.example", "/s/",
            URI.create("http://broker/broker/v1/auth"), Optional.empty(), Optional.empty()));
    assertThat(minimal.getSpec().getTls()).isNullOrEmpty();
    assertThat(minimal.getSpec().getIngressClassName()).isNull();
    assertThat(minimal.getSpec().getRules().get(0).getHttp().getPaths().get(0).getPath())
        .isEqualTo("/s/sminimal000000000000/");
  }

  @Test
  void upstreamWhenStartedThenServiceNameAndPortAndTheSecretFromTheCluster() {
    KubernetesDriver d = driver(Optional.empty());
    String id = "supstream00000000000a";
    assertThat(await(d.upstream(id))).isEmpty();
    await(d.start(spec(id)));
    Upstream up = await(d.upstream(id)).orElseThrow();
    assertThat(up.host()).isEqualTo("panosc-" + id + "." + NS + ".svc");
    assertThat(up.port()).isEqualTo(8888);
    assertThat(up.authorization()).contains("Bearer the-access-secret");
    assertThat(up.toString()).doesNotContain("the-access-secret");
    await(d.stop(id));
    assertThat(await(d.upstream(id))).isEmpty();
  }
}
