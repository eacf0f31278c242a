package eu.panosc.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.db.EmbeddedDatabase;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.ItemsModule;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A real platform process in-JVM: embedded PostgreSQL, a test module, health, metrics, errors, shutdown. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  /** The module of the platform started first (the one stopped in order 9). */
  static ItemsModule items;
  static String base;

  static PanoscConfig config(Path dir, int port) {
    return new ConfigLoader(Map.of()).load(Optional.empty(), Map.of(
        "dataDir", dir.toString(), "server.port", Integer.toString(port), "server.host", "127.0.0.1",
        "server.shutdownGrace", "10s", "server.drainDelay", "1s", "server.eventLoops", "2"));
  }

  static Platform start(PanoscConfig config) throws Exception {
    return start(config, new ItemsModule());
  }

  static Platform start(PanoscConfig config, ItemsModule module) throws Exception {
    return Platform.start(config, List.of(module), Clock.systemUTC()).get(120, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void startPlatform() throws Exception {
    items = new ItemsModule();
    platform = start(config(dataDir, Http.freePort()), items);
    base = platform.baseUrl().toString();
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void healthWhenStartedThenLiveAndReadyWithDatabaseUp() {
    assertThat(Http.get(base + "/items/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = Http.get(base + "/items/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("database")).isEqualTo("UP");
  }

  @Test
  @Order(2)
  void moduleRoutesWhenMigratedThenUseTheirOwnSchema() {
    assertThat(Http.postJson(base + "/items/items", "{\"name\":\"beamtime\"}").statusCode()).isEqualTo(201);
    HttpResponse<String> list = Http.get(base + "/items/items");
    assertThat(new JsonObject(list.body()).getJsonArray("items").getList()).containsExactly("beamtime");
    HttpResponse<String> dup = Http.postJson(base + "/items/items", "{\"name\":\"beamtime\"}");
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(dup.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  @Order(3)
  void errorsWhenHandlerThrowsThenProblemJsonWithoutInternals() {
    HttpResponse<String> r = Http.get(base + "/items/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject body = new JsonObject(r.body());
    String rid = r.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(body.getString("requestId")).isEqualTo(rid);
    assertThat(body.getInteger("status")).isEqualTo(500);
    assertThat(r.body()).doesNotContain("SECRET").doesNotContain("IllegalStateException").doesNotContain("at eu.");

    HttpResponse<String> invalid = Http.postJson(base + "/items/items", "{\"name\":\" \"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(invalid.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("name");

    HttpResponse<String> malformed = Http.postJson(base + "/items/items", "{\"name\":");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("detail")).contains("not valid JSON");

    HttpResponse<String> unknown = Http.get(base + "/nowhere");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("instance")).isEqualTo("/nowhere");
    HttpResponse<String> put = Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(base + "/items/health/ready")).PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertThat(put.headers().firstValue("Allow")).hasValue("GET");
    assertThat(Http.get(base + "/items/nowhere").statusCode()).isEqualTo(404);
    // (inside a mounted module the sub-router reports an unmatched method as 404: a Vert.x sub-router limit)
    HttpResponse<String> wrongMethod = Http.postJson(base + "/metrics", "{}");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  @Order(4)
  void bearerWhenNoTokenThen401WithChallenge() {
    HttpResponse<String> r = Http.get(base + "/items/protected");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  @Order(4)
  void serverWhenSeveralEventLoopsThenConnectionsSpreadOverThem() throws Exception {
    java.util.Set<String> threads = new java.util.HashSet<>();
    for (int i = 0; i < 20 && threads.size() < 2; i++) {
      try (var client = java.net.http.HttpClient.newHttpClient()) {
        var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/items/thread")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        threads.add(r.body());
      }
    }
    assertThat(threads).as("requests on new connections are served by two event loops").hasSize(2)
        .allSatisfy(t -> assertThat(t).startsWith("vert.x-eventloop-thread-"));
  }

  @Test
  @Order(5)
  void metricsWhenScrapedThenJvmHttpAndPoolMeters() {
    Http.get(base + "/items/items");
    HttpResponse<String> r = Http.get(base + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body()).contains("jvm_memory_used_bytes").contains("vertx_http_server_requests_total")
        .contains("vertx_pool_");
    assertThat(Http.get(base + "/items/metrics").body()).contains("jvm_memory_used_bytes");
  }

  @Test
  @Order(5)
  void metricsWhenModuleRouteServedThenRouteLabelIsMountPlusRoute() {
    Http.get(base + "/items/items");
    String body = Http.get(base + "/metrics").body();
    assertThat(body).contains("route=\"/items/items\"").doesNotContain("/items/>");
  }

  @Test
  @Order(6)
  void landingWhenRootRequestedThenHtmlLinkingEveryServiceOrJson() {
    HttpResponse<String> html = Http.get(base + "/");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(html.body()).contains("<a href=\"" + base + "/items/\"")
        .contains(base + "/items/openapi.json").contains(base + "/items/health/ready").contains("docs/demo.md");

    HttpResponse<String> json = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/"))
        .header("Accept", "application/json").GET().build());
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonObject page = new JsonObject(json.body());
    JsonObject items = page.getJsonArray("services").getJsonObject(0);
    assertThat(items.getString("name")).isEqualTo("items");
    assertThat(items.getJsonObject("openapi").getString("yaml")).isEqualTo(base + "/items/openapi.yaml");
    assertThat(items.getJsonObject("health").getString("live")).isEqualTo(base + "/items/health/live");
    assertThat(page.getString("metrics")).isEqualTo(base + "/metrics");
  }

  @Test
  @Order(6)
  void landingWhenMountRootRequestedWithOrWithoutSlashThenServicePage() {
    for (String path : List.of("/items", "/items/")) {
      HttpResponse<String> r = Http.get(base + path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).contains("items test service").contains(base + "/items/openapi.json");
    }
    HttpResponse<String> json = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/items"))
        .header("Accept", "application/json").GET().build());
    assertThat(new JsonObject(json.body()).getString("home")).isEqualTo(base + "/");
  }

  @Test
  @Order(6)
  void landingWhenNeitherHtmlNorJsonAcceptableThen406Problem() {
    HttpResponse<String> r = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/"))
        .header("Accept", "application/xml").GET().build());
    assertThat(r.statusCode()).isEqualTo(406);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
  }

  @Test
  @Order(6)
  void routingWhenWrongMethodOnModuleOrRootPathThen405NotFoundOtherwise() {
    for (String[] c : new String[][] {{"DELETE", "/items/items"}, {"PUT", "/items/health/ready"}, {"POST", "/"},
        {"POST", "/items"}, {"POST", "/metrics"}}) {
      HttpResponse<String> r = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + c[1]))
          .method(c[0], java.net.http.HttpRequest.BodyPublishers.noBody()).build());
      assertThat(r.statusCode()).as("%s %s", c[0], c[1]).isEqualTo(405);
      assertThat(r.body()).as("%s %s", c[0], c[1]).contains("Method Not Allowed");
    }
    HttpResponse<String> put = Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(base + "/items/health/ready")).PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertThat(put.headers().firstValue("Allow")).hasValue("GET");
    assertThat(Http.get(base + "/items/nowhere").statusCode()).isEqualTo(404);
    assertThat(Http.get(base + "/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(6)
  void openApiWhenFetchedThenModulePathsPlusCommonOnesAndServerUrl() {
    JsonObject doc = new JsonObject(Http.get(base + "/items/openapi.json").body());
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    assertThat(doc.getJsonObject("paths").fieldNames()).contains("/items", "/health/live", "/health/ready",
        "/metrics", "/openapi.json");
    assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo(base + "/items");
    assertThat(Http.get(base + "/items/openapi.yaml").body()).contains("openapi: 3.1.0").contains("/health/ready:");
  }

  @Test
  @Order(7)
  void readinessWhenDatabaseStopsThenDownAndRecoversWhenItReturns() {
    EmbeddedDatabase db = platform.database().embedded().orElseThrow();
    db.close();
    HttpResponse<String> down = Http.get(base + "/items/health/ready");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(down.body()).getJsonObject("checks").getString("database")).startsWith("DOWN");
    assertThat(Http.get(base + "/items/health/live").statusCode()).isEqualTo(200);
    db.restart();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(Http.get(base + "/items/health/ready").statusCode()).isEqualTo(200));
    assertThat(new JsonObject(Http.get(base + "/items/items").body()).getJsonArray("items").getList())
        .containsExactly("beamtime");
  }

  @Test
  @Order(8)
  void startWhenPortInUseThenClearError() {
    PanoscConfig clash = config(dataDir.resolve("other"), platform.port());
    assertThatThrownBy(() -> start(clash))
        .isInstanceOf(ExecutionException.class)
        .cause().hasMessageContaining("port " + platform.port()).hasMessageContaining("already in use");
  }

  @Test
  @Order(9)
  void stopWhenRequestInFlightThenItFinishesAndDataSurvivesRestart() throws Exception {
    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> Http.get(base + "/items/slow"));
    Thread.sleep(300);
    CompletableFuture<Void> stopping = platform.stop();
    HttpResponse<String> draining = Http.get(base + "/items/health/ready");
    assertThat(draining.statusCode()).as("readiness during the drain delay").isEqualTo(503);
    assertThat(new JsonObject(draining.body()).getString("reason")).isEqualTo("shutting down");
    stopping.get(60, TimeUnit.SECONDS);
    HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo("done");
    assertThatThrownBy(() -> Http.get(base + "/items/health/live")).isInstanceOf(RuntimeException.class);
    assertThat(items.shutdown()).as("feeds stop while the server still answers (not ready), modules after it closed")
        .containsExactly("stopFeeds 503", "stop refused");

    platform = start(config(dataDir, 0));
    base = platform.baseUrl().toString();
    assertThat(new JsonObject(Http.get(base + "/items/items").body()).getJsonArray("items").getList())
        .containsExactly("beamtime");
  }
}
