package eu.panosc.broker.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.Observation;
import eu.panosc.broker.model.Cluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session start's POSTs ({@link Creates}) against Fabric8 mock API servers: the refusals of the API server (a Pod
 * refused, an answer without a uid or not JSON, a Secret refused) stop the start where they happen, naming the code
 * and the server's message; objects left from an earlier start (409) are updated through Fabric8 as before; the
 * client's credentials go with every POST; and {@link KubernetesDriver#observe} reads the informer's cache while it
 * watches, asking the API server only for a Pod the informer does not hold.
 */
class KubernetesStartTest {
  static final String NS = "sessions";
  static final String BASE = "/api/v1/namespaces/" + NS;
  Vertx vertx;
  KubernetesMockServer server;
  KubernetesDriver driver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      await(driver.close());
    }
    if (server != null) {
      server.destroy();
    }
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** An API server answering only what the test expects (404 to anything else). */
  KubernetesMockServer expecting() {
    server = new KubernetesMockServer(false);
    server.init();
    return server;
  }

  KubernetesMockServer crud() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    return server;
  }

  KubernetesDriver driver(Optional<String> tokenFile) {
    var target = new Cluster.KubernetesTarget(server.url("/").replaceAll("/+$", ""), NS, tokenFile, false);
    driver = KubernetesDriver.connect(vertx, target);
    return driver;
  }

  static LaunchSpec spec(String id) {
    return Fixtures.launchSpec(id);
  }

  List<String> requests() throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
        r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      out.add(r.getMethod() + " " + r.getPath().replaceAll("\\?.*$", ""));
    }
    return out;
  }

  static Throwable failure(Future<?> f) {
    try {
      await(f);
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("the start did not fail");
  }

  @Test
  void startWhenThePodIsRefusedThenFailsWithTheCodeAndTheServersMessageAndPostsNothingElse() throws Exception {
    expecting().expect().post().withPath(BASE + "/pods").andReturn(422, Map.of("kind", "Status", "apiVersion", "v1",
        "status", "Failure", "reason", "Invalid", "code", 422,
        "message", "Pod \"panosc-s1\" is invalid: spec.containers[0].image: Required value")).once();
    Throwable e = failure(driver(Optional.empty()).start(spec("s1")));
    assertThat(e).isInstanceOf(KubernetesClientException.class)
        .hasMessage("POST " + BASE + "/pods answered HTTP 422: Pod \"panosc-s1\" is invalid: "
            + "spec.containers[0].image: Required value");
    assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422);
    assertThat(requests()).containsExactly("POST " + BASE + "/pods");
  }

  @Test
  void startWhenThePodsAnswerHasNoUidThenFailsAndPostsNoSecret() throws Exception {
    expecting().expect().post().withPath(BASE + "/pods").andReturn(201, Map.of("kind", "Pod", "apiVersion", "v1",
        "metadata", Map.of("name", "panosc-s2"))).once();
    assertThat(failure(driver(Optional.empty()).start(spec("s2")))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no uid");
    assertThat(requests()).containsExactly("POST " + BASE + "/pods");
  }

  @Test
  void startWhenThePodsAnswerIsNotJsonThenFailsAndPostsNoSecret() throws Exception {
    expecting().expect().post().withPath(BASE + "/pods").andReturn(201, "<html>a proxy's page</html>").once();
    assertThat(failure(driver(Optional.empty()).start(spec("s3")))).isNotNull();
    assertThat(requests()).containsExactly("POST " + BASE + "/pods");
  }

  @Test
  void startWhenTheSecretIsRefusedWithoutABodyThenFailsWithTheCodeAndPostsNoService() throws Exception {
    expecting().expect().post().withPath(BASE + "/pods").andReturn(201, Map.of("kind", "Pod", "apiVersion", "v1",
        "metadata", Map.of("name", "panosc-s4", "uid", "u-4"))).once();
    server.expect().post().withPath(BASE + "/secrets").andReturn(500, "").once();
    Throwable e = failure(driver(Optional.empty()).start(spec("s4")));
    assertThat(e).isInstanceOf(KubernetesClientException.class)
        .hasMessage("POST " + BASE + "/secrets answered HTTP 500");
    assertThat(e.getMessage()).doesNotContain("the-access-secret");
    assertThat(requests()).containsExactly("POST " + BASE + "/pods", "POST " + BASE + "/secrets");
  }

  @Test
  void startWhenAPodIsAnsweredThenItsUidOwnsTheSecretAndServiceAndTheTokenGoesWithEveryPost(@TempDir Path dir)
      throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "cluster-token-123\n");
    crud();
    await(driver(Optional.of(token.toString())).start(spec("s5")));
    KubernetesClient kubelet = server.createClient();
    try {
      Pod pod = kubelet.pods().inNamespace(NS).withName("panosc-s5").get();
      Secret secret = kubelet.secrets().inNamespace(NS).withName("panosc-s5").get();
      Service service = kubelet.services().inNamespace(NS).withName("panosc-s5").get();
      assertThat(List.of(secret.getMetadata(), service.getMetadata())).allSatisfy(m -> assertThat(
          m.getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo(pod.getMetadata().getUid()).isNotBlank();
            assertThat(o.getName()).isEqualTo("panosc-s5");
            assertThat(o.getKind()).isEqualTo("Pod");
          }));
      assertThat(new String(Base64.getDecoder().decode(secret.getData().get(SessionObjects.SECRET_KEY)),
          StandardCharsets.UTF_8)).isEqualTo("the-access-secret");
    } finally {
      kubelet.close();
    }
    List<RecordedRequest> posts = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
        r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      if (r.getMethod().equals("POST")) {
        posts.add(r);
      }
    }
    assertThat(posts).extracting(RecordedRequest::getPath).containsExactly(BASE + "/pods", BASE + "/secrets",
        BASE + "/services");
    assertThat(posts).allSatisfy(r -> {
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer cluster-token-123");
      assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    });
  }

  @Test
  void startWhenTheSecretAndServiceAreLeftFromAnEarlierStartThenBothAreUpdatedAndOwnedByTheNewPod() {
    crud();
    KubernetesClient kubelet = server.createClient();
    try {
      kubelet.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("panosc-s6")
          .endMetadata().withData(Map.of(SessionObjects.SECRET_KEY, Base64.getEncoder().encodeToString(
              "an-old-secret".getBytes(StandardCharsets.UTF_8)))).build()).create();
      kubelet.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("panosc-s6")
          .endMetadata().withNewSpec().addNewPort().withPort(1).endPort().endSpec().build()).create();
      await(driver(Optional.empty()).start(spec("s6")));
      Pod pod = kubelet.pods().inNamespace(NS).withName("panosc-s6").get();
      Secret secret = kubelet.secrets().inNamespace(NS).withName("panosc-s6").get();
      Service service = kubelet.services().inNamespace(NS).withName("panosc-s6").get();
      assertThat(new String(Base64.getDecoder().decode(secret.getData().get(SessionObjects.SECRET_KEY)),
          StandardCharsets.UTF_8)).isEqualTo("the-access-secret");
      assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8888));
      assertThat(List.of(secret.getMetadata(), service.getMetadata())).allSatisfy(m -> assertThat(
          m.getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid())
              .isEqualTo(pod.getMetadata().getUid())));
      assertThat(kubelet.secrets().inNamespace(NS).list().getItems()).hasSize(1);
    } finally {
      kubelet.close();
    }
  }

  @Test
  void observeWhenTheInformerWatchesThenFromItsCacheAndAnUnknownPodIsAskedFor() throws Exception {
    crud();
    KubernetesDriver d = driver(Optional.empty());
    Map<String, Observation> told = new java.util.concurrent.ConcurrentHashMap<>();
    d.watch(told::put);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!d.watching() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(d.watching()).isTrue();
    await(d.start(spec("s7")));
    KubernetesClient kubelet = server.createClient();
    try {
      Pod p = kubelet.pods().inNamespace(NS).withName("panosc-s7").get();
      kubelet.pods().inNamespace(NS).resource(new PodBuilder(p).withNewStatus().withPhase("Running")
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).updateStatus();
    } finally {
      kubelet.close();
    }
    while (told.get("s7") == null || told.get("s7").phase() != Observation.Phase.READY) {
      assertThat(System.nanoTime()).as("the informer tells the ready pod").isLessThan(end);
      Thread.sleep(20);
    }
    requests(); // what came before
    assertThat(await(d.observe("s7")).phase()).isEqualTo(Observation.Phase.READY);
    assertThat(await(d.observe("s7")).url()).contains(SessionObjects.url("s7", NS, 8888));
    assertThat(requests()).as("the informer's cache answered").isEmpty();
    assertThat(await(d.observe("s-unknown")).phase()).isEqualTo(Observation.Phase.ABSENT);
    assertThat(requests()).containsExactly("GET " + BASE + "/pods/panosc-s-unknown");
  }

  @Test
  void observeWhenNotWatchingThenAsksTheApiServer() throws Exception {
    crud();
    KubernetesDriver d = driver(Optional.empty());
    await(d.start(spec("s8")));
    requests();
    assertThat(await(d.observe("s8")).phase()).isEqualTo(Observation.Phase.STARTING);
    assertThat(requests()).containsExactly("GET " + BASE + "/pods/panosc-s8");
  }

  @Test
  void collectionWhenCoreOrGroupedOrWithoutNamespaceThenItsPathOrRefused() {
    assertThat(Creates.collection(new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
        .build())).isEqualTo("/api/v1/namespaces/ns/pods");
    assertThat(Creates.collection(new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder().withNewMetadata()
        .withName("i").withNamespace("ns").endMetadata().build()))
        .isEqualTo("/apis/networking.k8s.io/v1/namespaces/ns/ingresses");
    assertThatThrownBy(() -> Creates.collection(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .build())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
  }
}
