package eu.panosc.broker.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.ActivityAgent;
import eu.panosc.broker.model.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activity agent's script's ConfigMap ({@link SessionObjects#agentScript}) as {@link KubernetesDriver#start}
 * makes it, against a Fabric8 mock API server in CRUD mode (expectations, when a test adds some, answered first):
 * POSTed once per driver (namespace) before the first Pod, shared by concurrent first starts, one that exists
 * accepted as it is, a refusal failing the start before any session object with a message naming the ConfigMap and
 * the namespace (and asked again by the next start), made again after a failed start when it vanished, and never
 * deleted with a session.
 */
class AgentScriptConfigMapTest {
  static final String NS = "sessions";
  static final String BASE = "/api/v1/namespaces/" + NS;
  static final ActivityAgent AGENT = new ActivityAgent(URI.create("https://panosc.example/broker"),
      Duration.ofSeconds(60));
  Vertx vertx;
  KubernetesMockServer server;
  KubernetesClient kubelet;
  KubernetesDriver driver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Map<ServerRequest, Queue<ServerResponse>> expected = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), expected,
        new KubernetesMixedDispatcher(expected), false);
    server.init();
    kubelet = server.createClient();
    var target = new Cluster.KubernetesTarget(server.url("/").replaceAll("/+$", ""), NS, Optional.empty(), false);
    driver = KubernetesDriver.connect(vertx, target).activityAgent(Optional.of(AGENT));
  }

  @AfterEach
  void stop() {
    await(driver.close());
    kubelet.close();
    server.destroy();
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return KubernetesStartTest.await(f);
  }

  static Throwable failure(Future<?> f) {
    return KubernetesStartTest.failure(f);
  }

  /** The requests the API server got since the last call (method and path), the test's own reads left out. */
  List<String> posts() throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
        r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      if (!r.getMethod().equals("GET")) {
        out.add(r.getMethod() + " " + r.getPath().replaceAll("\\?.*$", ""));
      }
    }
    return out;
  }

  List<ConfigMap> configMaps() {
    return kubelet.configMaps().inNamespace(NS).list().getItems();
  }

  @Test
  void startWhenTwoFirstStartsRunAtOnceThenOneConfigMapPostedBeforeEitherPod() throws Exception {
    Future<Void> one = driver.start(Fixtures.launchSpec("s1"));
    Future<Void> two = driver.start(Fixtures.launchSpec("s2"));
    await(Future.all(one, two));
    await(driver.start(Fixtures.launchSpec("s3")));

    List<String> posts = posts();
    assertThat(posts).filteredOn(p -> p.endsWith("/configmaps")).containsExactly("POST " + BASE + "/configmaps");
    assertThat(posts.indexOf("POST " + BASE + "/configmaps")).isZero(); // before any Pod
    assertThat(posts).filteredOn(p -> p.endsWith("/pods")).hasSize(3);
    assertThat(configMaps()).singleElement().satisfies(cm -> {
      assertThat(cm.getMetadata().getName()).isEqualTo(SessionObjects.agentScriptName());
      assertThat(cm.getImmutable()).isTrue();
      assertThat(cm.getData().get(ActivityAgent.FILE)).isEqualTo(ActivityAgent.script());
    });
    for (String id : List.of("s1", "s2", "s3")) {
      var secret = kubelet.secrets().inNamespace(NS).withName(SessionObjects.name(id)).get();
      assertThat(secret.getData()).as(id).containsOnlyKeys(SessionObjects.SECRET_KEY);
    }
  }

  @Test
  void startWhenTheConfigMapExistsThenAcceptedAsItIs() throws Exception {
    // made beforehand, as by another replica (here marked so that a replacement would show)
    kubelet.configMaps().inNamespace(NS).resource(new ConfigMapBuilder(SessionObjects.agentScript(NS))
        .editMetadata().addToAnnotations("made-by", "another-replica").endMetadata().build()).create();
    posts();

    await(driver.start(Fixtures.launchSpec("s1")));

    assertThat(posts()).containsSubsequence("POST " + BASE + "/configmaps", "POST " + BASE + "/pods");
    assertThat(configMaps()).singleElement().satisfies(cm -> assertThat(cm.getMetadata().getAnnotations())
        .containsEntry("made-by", "another-replica"));
    assertThat(kubelet.pods().inNamespace(NS).withName("panosc-s1").get()).isNotNull();
  }

  @Test
  void startWhenTheConfigMapIsRefusedThenFailsNamingItBeforeAnySessionObjectAndTheNextStartAsksAgain()
      throws Exception {
    server.expect().post().withPath(BASE + "/configmaps").andReturn(403, Map.of("kind", "Status", "apiVersion", "v1",
        "status", "Failure", "reason", "Forbidden", "code", 403, "message", "configmaps is forbidden: User "
            + "\"system:serviceaccount:panosc:panosc-broker\" cannot create resource \"configmaps\"")).once();

    Throwable e = failure(driver.start(Fixtures.launchSpec("s1")));

    assertThat(e).isInstanceOf(KubernetesClientException.class);
    assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains("ConfigMap " + SessionObjects.agentScriptName() + " in namespace " + NS)
        .contains("HTTP 403").contains("cannot create resource \"configmaps\"");
    assertThat(posts()).containsExactly("POST " + BASE + "/configmaps");
    assertThat(kubelet.pods().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(kubelet.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(kubelet.services().inNamespace(NS).list().getItems()).isEmpty();

    // the refusal is not remembered: the next start asks again (granted now) and goes on
    await(driver.start(Fixtures.launchSpec("s2")));
    assertThat(posts()).startsWith("POST " + BASE + "/configmaps", "POST " + BASE + "/pods");
    assertThat(configMaps()).hasSize(1);
  }

  @Test
  void startWhenTheApiServerDoesNotAnswerThenFailsNamingTheConfigMap() {
    server.destroy();
    Throwable e = failure(driver.start(Fixtures.launchSpec("s1")));
    assertThat(e.getMessage()).contains("ConfigMap " + SessionObjects.agentScriptName() + " in namespace " + NS
        + " was not created");
  }

  @Test
  void startWhenAStartFailedAndTheConfigMapVanishedThenTheNextStartMakesItAgain() throws Exception {
    await(driver.start(Fixtures.launchSpec("s1")));
    assertThat(configMaps()).hasSize(1);
    // remembered: the next start does not ask
    await(driver.start(Fixtures.launchSpec("s2")));
    assertThat(posts()).filteredOn(p -> p.endsWith("/configmaps")).hasSize(1);

    // deleted behind the broker's back, and a start fails (its Pod refused)
    kubelet.configMaps().inNamespace(NS).withName(SessionObjects.agentScriptName()).delete();
    server.expect().post().withPath(BASE + "/pods").andReturn(500, "").once();
    assertThat(failure(driver.start(Fixtures.launchSpec("s3"))).getMessage()).contains("HTTP 500");
    posts();

    await(driver.start(Fixtures.launchSpec("s4")));
    assertThat(posts()).startsWith("POST " + BASE + "/configmaps", "POST " + BASE + "/pods");
    assertThat(configMaps()).singleElement().satisfies(cm -> assertThat(cm.getData().get(ActivityAgent.FILE)
        .getBytes(StandardCharsets.UTF_8)).isEqualTo(ActivityAgent.script().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void stopWhenTheSessionsAreGoneThenTheSharedConfigMapStays() throws Exception {
    await(driver.start(Fixtures.launchSpec("s1")));
    await(driver.start(Fixtures.launchSpec("s2")));
    await(driver.stop("s1"));
    await(driver.stop("s2"));
    assertThat(kubelet.pods().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(kubelet.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(posts()).noneMatch(p -> p.startsWith("DELETE") && p.contains("/configmaps"));
    assertThat(configMaps()).extracting(cm -> cm.getMetadata().getName())
        .containsExactly(SessionObjects.agentScriptName());
  }

  @Test
  void startWithoutTheAgentThenNoConfigMap() throws Exception {
    driver.activityAgent(Optional.empty());
    await(driver.start(Fixtures.launchSpec("s1")));
    assertThat(posts()).noneMatch(p -> p.contains("/configmaps"));
    assertThat(configMaps()).isEmpty();
    assertThat(kubelet.pods().inNamespace(NS).withName("panosc-s1").get().getSpec().getVolumes())
        .noneMatch(v -> v.getProjected() != null || v.getConfigMap() != null);
  }
}
