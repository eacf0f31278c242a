package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class RequestIdsTest {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = ApiFixture.start(vertx, router -> {
      router.get("/id").handler(ctx -> ctx.json(new JsonObject().put("requestId", RequestIds.of(ctx))));
      router.get("/fail").handler(ctx -> ctx.fail(ApiException.badRequest("nope")));
    });
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private HttpResponse<Buffer> get(String uri, String requestId) {
    var request = client.get(server.actualPort(), "localhost", uri);
    if (requestId != null) {
      request.putHeader(RequestIds.HEADER, requestId);
    }
    return request.send().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc-123", "trace:4bf92f35.00f067aa_01", "x"})
  void handleWhenSaneIdThenEchoedInHeaderAndContext(String id) {
    HttpResponse<Buffer> response = get("/id", id);

    assertThat(response.getHeader(RequestIds.HEADER)).isEqualTo(id);
    assertThat(response.bodyAsJsonObject().getString("requestId")).isEqualTo(id);
  }

  @Test
  void handleWhenSaneIdAndErrorThenEchoedInProblemBody() {
    HttpResponse<Buffer> response = get("/fail", "client-rid-7");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader(RequestIds.HEADER)).isEqualTo("client-rid-7");
    assertThat(response.bodyAsJsonObject().getString("requestId")).isEqualTo("client-rid-7");
  }

  @Test
  void handleWhenIdAtMaximumLengthThenKept() {
    String id = "a".repeat(128);

    assertThat(get("/id", id).getHeader(RequestIds.HEADER)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"<script>alert(1)</script>", "has space", "semi;colon", "quote\"d", "ünïcode"})
  void handleWhenInsaneIdThenReplacedByUuid(String id) {
    HttpResponse<Buffer> response = get("/id", id);

    String echoed = response.getHeader(RequestIds.HEADER);
    assertThat(echoed).matches(UUID).isNotEqualTo(id);
    assertThat(response.bodyAsJsonObject().getString("requestId")).isEqualTo(echoed);
    assertThat(response.bodyAsString()).doesNotContain("script");
  }

  @ParameterizedTest
  @ValueSource(ints = {129, 300})
  void handleWhenIdTooLongThenReplacedByUuid(int length) {
    String echoed = get("/id", "a".repeat(length)).getHeader(RequestIds.HEADER);

    assertThat(echoed).matches(UUID);
  }

  @Test
  void handleWhenNoIdThenFreshUuidPerRequest() {
    String first = get("/id", null).getHeader(RequestIds.HEADER);
    String second = get("/id", null).getHeader(RequestIds.HEADER);

    assertThat(first).matches(UUID);
    assertThat(second).matches(UUID).isNotEqualTo(first);
  }

  @Test
  void handleWhenUnknownPathThenProblemCarriesGeneratedId() {
    HttpResponse<Buffer> response = get("/nowhere", "<bad>");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("requestId"))
        .isEqualTo(response.getHeader(RequestIds.HEADER)).matches(UUID);
  }
}
