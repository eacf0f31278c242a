package eu.panosc.broker.clusters;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.broker.driver.kubernetes.KubernetesDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters from the real federation-registry (demo mode, embedded PostgreSQL) read over its HTTP API with a real
 * client-credentials token of the broker's demo client from the real aai-broker: the demo's approved clusters whose
 * {@code credentialsRef} resolves become usable clusters; one registered, approved, changed and suspended through the
 * registry's admin API arrives, changes and leaves through the change feed; its driver presents the resolved token to
 * a Fabric8 mock API server.
 */
class RegistryClustersIT {
  @TempDir
  static Path dataDir;
  @TempDir
  static Path credentials;
  static Platform platform;
  static String base;
  static Vertx vertx;
  static WebClient web;
  static KubernetesMockServer kube;

  @BeforeAll
  static void start() throws Exception {
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication()), true,
        Map.of(), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    kube = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    kube.init();
  }

  @AfterAll
  static void stop() throws Exception {
    if (kube != null) {
      kube.destroy();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  static String clientToken(String clientId, String scope) {
    String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientId + "-demo-secret")
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
            + URLEncoder.encode(scope, StandardCharsets.UTF_8))).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  static HttpResponse<String> admin(String method, String path, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/registry/admin/v1" + path))
        .header("Authorization", "Bearer " + clientToken("registry-admin", "registry:admin"))
        .header("Content-Type", "application/json");
    if (body != null) {
      b.method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return Http.send(b.build());
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  static void writeToken(String name, String token) throws Exception {
    Files.createDirectories(credentials.resolve(name));
    Files.writeString(credentials.resolve(name).resolve("token"), token + "\n");
  }

  @Test
  void registryClustersWhenApprovedChangedAndSuspendedThenFollowTheRegistryWithResolvedCredentials() throws Exception {
    writeToken("esrf-k8s-kubeconfig", "esrf-token");
    writeToken("mock-k8s-token", "first-token");
    ClusterDirectory directory = ClusterDirectory.of(List.of(), Map.of());
    String token = clientToken("resource-broker", "registry:read");
    RegistryClusters reader = new RegistryClusters(vertx, web, URI.create(base + "/registry"),
        () -> Future.succeededFuture(token), directory, CredentialsResolver.mounted(vertx, credentials),
        (cluster, t) -> KubernetesDriver.connect(vertx, cluster.kubernetes().orElseThrow(), t), "panosc-sessions",
        Duration.ofHours(1));
    try {
      reader.start().await();

      // the demo's approved clusters: esrf-k8s has its credentials mounted, the others not
      Cluster esrf = directory.cluster("esrf-k8s").orElseThrow();
      assertThat(esrf.facility()).contains("esrf");
      assertThat(esrf.capacity()).isEqualTo(new Resources(512, 4096L * 1024, 16));
      assertThat(esrf.storageSites()).containsOnlyKeys("esrf-gpfs");
      assertThat(esrf.storageSites().get("esrf-gpfs")).isEqualTo(new Cluster.StorageMount("esrf-gpfs", "/"));
      assertThat(esrf.labels()).containsEntry("eosc", "false");
      assertThat(esrf.kubernetes().orElseThrow().apiUrl()).isEqualTo("https://k8s.esrf.demo:6443");
      assertThat(esrf.kubernetes().orElseThrow().namespace()).isEqualTo("panosc-sessions");
      assertThat(directory.ids(ClusterDirectory.Source.REGISTRY)).containsExactly("esrf-k8s");
      assertThat(reader.skipped()).containsKeys("ill-k8s", "eosc-cloud");
      assertThat(reader.skipped().get("ill-k8s")).contains("secret/ill-k8s-kubeconfig").contains("no file")
          .doesNotContain("token\n");

      // registered (pending: not yet visible), then approved: it arrives through the change feed
      String api = kube.url("/").replaceAll("/+$", "");
      JsonObject doc = new JsonObject().put("id", "mock-k8s").put("apiUrl", api)
          .put("credentialsRef", "secret/mock-k8s-token")
          .put("capacity", new JsonObject().put("cpu", 64).put("memoryGi", 256).put("gpu", 2))
          .put("storageSites", new io.vertx.core.json.JsonArray().add("ill-nfs"))
          .put("labels", new JsonObject().put("eosc", "true"));
      HttpResponse<String> created = admin("POST", "/clusters", doc);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      Thread.sleep(300);
      assertThat(directory.cluster("mock-k8s")).isEmpty();
      assertThat(admin("POST", "/clusters/mock-k8s/approve", null).statusCode()).isEqualTo(200);
      eventually(() -> directory.cluster("mock-k8s").isPresent(), "the approved cluster arrives");
      Cluster mock = directory.cluster("mock-k8s").orElseThrow();
      assertThat(mock.facility()).isEmpty();
      assertThat(mock.eosc()).isTrue();
      assertThat(mock.capacity()).isEqualTo(new Resources(64, 256L * 1024, 2));

      // its driver speaks to the cluster with the token the reference resolved to
      directory.driver("mock-k8s").probe().await();
      assertThat(kube.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer first-token");

      // a changed document (capacity) and rotated credentials: the directory follows
      writeToken("mock-k8s-token", "second-token");
      HttpResponse<String> current = admin("GET", "/clusters/mock-k8s", null);
      String version = new JsonObject(current.body()).getValue("version").toString();
      HttpResponse<String> put = Http.send(HttpRequest.newBuilder(URI.create(base + "/registry/admin/v1/clusters/mock-k8s"))
          .header("Authorization", "Bearer " + clientToken("registry-admin", "registry:admin"))
          .header("Content-Type", "application/json").header("If-Match", "\"" + version + "\"")
          .PUT(HttpRequest.BodyPublishers.ofString(doc.copy().put("capacity", new JsonObject().put("cpu", 128)
              .put("memoryGi", 256)).encode())).build());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      eventually(() -> directory.cluster("mock-k8s").map(c -> c.capacity().cpu() == 128).orElse(false),
          "the changed capacity arrives");
      directory.driver("mock-k8s").probe().await();
      assertThat(kube.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer second-token");

      // suspended: it leaves; its sessions' driver now refuses naming why
      assertThat(admin("POST", "/clusters/mock-k8s/suspend", null).statusCode()).isEqualTo(200);
      eventually(() -> directory.cluster("mock-k8s").isEmpty(), "the suspended cluster leaves");
      assertThat(directory.driver("mock-k8s").probe().failed()).isTrue();
      assertThat(directory.driver("mock-k8s").probe().cause().getMessage()).contains("no longer registered");
    } finally {
      reader.close().await();
    }
    assertThat(directory.clusters()).isEmpty();
  }

  @Test
  void configuredClusterWhenTheRegistryHasOneOfTheSameIdThenTheConfigurationWins() throws Exception {
    writeToken("esrf-k8s-kubeconfig", "esrf-token");
    Cluster configured = new Cluster("esrf-k8s", Cluster.Kind.LOCAL, Optional.of("esrf"), new Resources(1, 1024, 0),
        Map.of(), Map.of(), 50, Optional.empty());
    var localDriver = new eu.panosc.broker.driver.local.LocalProcessDriver(vertx, List.of(), dataDir.resolve("l"));
    ClusterDirectory directory = ClusterDirectory.of(List.of(configured), Map.of("esrf-k8s", localDriver));
    String token = clientToken("resource-broker", "registry:read");
    RegistryClusters reader = new RegistryClusters(vertx, web, URI.create(base + "/registry"),
        () -> Future.succeededFuture(token), directory, CredentialsResolver.mounted(vertx, credentials),
        (cluster, t) -> KubernetesDriver.connect(vertx, cluster.kubernetes().orElseThrow(), t), "panosc-sessions",
        Duration.ofHours(1));
    try {
      reader.start().await();
      assertThat(directory.cluster("esrf-k8s")).contains(configured);
      assertThat(directory.driver("esrf-k8s")).isSameAs(localDriver);
      assertThat(reader.skipped().get("esrf-k8s")).contains("configured cluster");
    } finally {
      reader.close().await();
    }
    assertThat(directory.cluster("esrf-k8s")).contains(configured);
  }

  @Test
  void registryWhenItRefusesTheTokenThenStartFailsAndNothingIsAdded() {
    ClusterDirectory directory = ClusterDirectory.of(List.of(), Map.of());
    RegistryClusters reader = new RegistryClusters(vertx, web, URI.create(base + "/registry"),
        () -> Future.succeededFuture("not-a-token"), directory, CredentialsResolver.mounted(vertx, credentials),
        (cluster, t) -> KubernetesDriver.connect(vertx, cluster.kubernetes().orElseThrow(), t), "panosc-sessions",
        Duration.ofHours(1));
    try {
      Future<Void> started = reader.start();
      assertThat(catching(started)).contains("401");
      assertThat(directory.clusters()).isEmpty();
    } finally {
      reader.close().await();
    }
  }

  static String catching(Future<?> f) {
    try {
      f.await();
      return "succeeded";
    } catch (RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }
}
