package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class JsonBodiesTest {

  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = ApiFixture.start(vertx, router ->
        router.post("/items").handler(ctx -> ctx.json(JsonBodies.object(ctx).put("seen", true))));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private HttpResponse<Buffer> post(String contentType, String body) {
    var request = client.post(server.actualPort(), "localhost", "/items");
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("instance")).isEqualTo("/items");
    return body;
  }

  @Test
  void objectWhenValidObjectThenPassedThrough() {
    HttpResponse<Buffer> response = post("application/json", "{\"name\":\"beamline-7\",\"n\":3}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("name", "beamline-7").put("n", 3).put("seen", true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=utf-8", "application/merge-patch+json", "Application/JSON"})
  void objectWhenJsonMediaTypeVariantThenAccepted(String contentType) {
    HttpResponse<Buffer> response = post(contentType, "{\"a\":1}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getInteger("a")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"name\":", "{name: 'x'}", "{} trailing", "not json at all"})
  void objectWhenMalformedThen400NotValidJson(String body) {
    JsonObject problem = problem(post("application/json", body), 400);

    assertThat(problem.getString("title")).isEqualTo("Bad Request");
    assertThat(problem.getString("detail")).isEqualTo("The request body is not valid JSON.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/jsonp"})
  void objectWhenWrongContentTypeThen415(String contentType) {
    JsonObject problem = problem(post(contentType, "{\"a\":1}"), 415);

    assertThat(problem.getString("title")).isEqualTo("Unsupported Media Type");
    assertThat(problem.getString("detail")).isEqualTo("Send the body as application/json.");
  }

  @Test
  void objectWhenNoContentTypeThen415() {
    problem(post(null, "{\"a\":1}"), 415);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1, 2, 3]", "\"text\"", "42", "null"})
  void objectWhenJsonButNotObjectThen400(String body) {
    assertThat(problem(post("application/json", body), 400).getString("detail"))
        .isEqualTo("The request body must be a JSON object.");
  }

  @Test
  void objectWhenEmptyBodyThen400() {
    assertThat(problem(post("application/json", ""), 400).getString("detail"))
        .isEqualTo("The request body is empty; a JSON object is expected.");
  }

  @Test
  void objectWhenBodyTooLargeThen413Problem() {
    String big = "{\"data\":\"" + "x".repeat((int) ApiFixture.BODY_LIMIT * 4) + "\"}";

    JsonObject problem = problem(post("application/json", big), 413);

    assertThat(problem.getString("title")).isEqualTo("Content Too Large");
    assertThat(problem.getString("detail")).isEqualTo("The request body is too large.");
  }
}
