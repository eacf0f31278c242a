package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StrictPathsTest {
  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = ApiFixture.start(vertx, router -> {
      router.route().handler(new StrictPaths());
      router.get("/members/:user").handler(ctx -> ctx.end(ctx.pathParam("user")));
    });
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private HttpResponse<Buffer> get(String uri) {
    return client.get(server.actualPort(), "localhost", uri).send().await();
  }

  @Test
  void problemWhenPathEncodesValidUtf8ThenNone() {
    assertThat(StrictPaths.problem("/members/a%C3%A9b")).isNull();
    assertThat(StrictPaths.problem("/members/10.15151%2FESRF-1")).isNull();
    assertThat(StrictPaths.problem("/plain/ü")).isNull();
  }

  @Test
  void problemWhenInvalidUtf8OrMalformedEscapeThenNamed() {
    assertThat(StrictPaths.problem("/members/a%C3%28b")).contains("not UTF-8");
    assertThat(StrictPaths.problem("/members/a%FF")).contains("not UTF-8");
    assertThat(StrictPaths.problem("/members/a%00b")).as("left to the route's input rule").isNull();
    assertThat(StrictPaths.problem("/members/a%ZZ")).contains("malformed");
    assertThat(StrictPaths.problem("/members/a%4")).contains("malformed");
  }

  @Test
  void handleWhenPathInvalidUtf8Then400ProblemAndRouteNotReached() {
    HttpResponse<Buffer> response = get("/members/a%C3%28b");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("not UTF-8");
  }

  @Test
  void handleWhenPathValidThenRouteGetsDecodedSegment() {
    HttpResponse<Buffer> response = get("/members/a%C3%A9b");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("aéb");
  }
}
