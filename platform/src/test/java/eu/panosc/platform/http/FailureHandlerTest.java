package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class FailureHandlerTest {

  /** An OAuth endpoint's error: rendered in RFC 6749 format, not as problem+json. */
  static final class OAuthError extends RuntimeException implements ProtocolError {
    OAuthError() {
      super("invalid_request", null, false, false);
    }

    @Override
    public void render(RoutingContext ctx) {
      ctx.response().setStatusCode(400)
          .putHeader("Content-Type", "application/json;charset=UTF-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("error", "invalid_request")
              .put("error_description", "missing grant_type").encode());
    }
  }

  private HttpServer server;
  private WebClient client;
  private ListAppender<ILoggingEvent> failureLog;
  private ListAppender<ILoggingEvent> vertxLog;

  @BeforeEach
  void setUp(Vertx vertx) {
    failureLog = ApiFixture.capture(FailureHandler.class.getName());
    vertxLog = ApiFixture.capture("io.vertx");
    server = ApiFixture.start(vertx, router -> {
      router.get("/invalid").handler(ctx -> {
        throw ApiException.invalidField("name", "must not be blank");
      });
      router.get("/boom").handler(ctx -> {
        throw new IllegalStateException("SECRET-XYZ password=hunter2",
            new java.io.IOException("SECRET-XYZ cause"));
      });
      router.get("/input").handler(ctx -> eu.panosc.platform.input.Input.id("pid", "a\u0000b"));
      router.post("/upload").handler(BodyHandler.create()).handler(ctx -> ctx.end("read"));
      router.get("/fail404").handler(ctx -> ctx.fail(404));
      router.get("/conflict").handler(ctx -> ctx.fail(ApiException.conflict("already exists")));
      router.get("/only-get").handler(ctx -> ctx.end("ok"));
      router.post("/oauth/token").handler(ctx -> ctx.fail(new OAuthError()));
      router.get("/decode").handler(ctx -> ctx.fail(new io.vertx.core.json.DecodeException("bad")));
      router.get("/partial").handler(ctx -> {
        ctx.response().setChunked(true).write("partial");
        throw new IllegalStateException("late failure");
      });
      router.get("/ended").handler(ctx -> {
        ctx.response().end("done");
        throw new IllegalStateException("failure after end");
      });
    });
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    client.close();
    ApiFixture.detach(FailureHandler.class.getName(), failureLog);
    ApiFixture.detach("io.vertx", vertxLog);
  }

  private HttpResponse<Buffer> get(String uri) {
    return client.get(server.actualPort(), "localhost", uri).send().await();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("requestId")).isEqualTo(response.getHeader(RequestIds.HEADER)).isNotBlank();
    return body;
  }

  @Test
  void handleWhenApiExceptionInvalidFieldThen400ProblemWithErrors() {
    HttpResponse<Buffer> response = client.get(server.actualPort(), "localhost", "/invalid?x=1")
        .putHeader(RequestIds.HEADER, "rid-400").send().await();

    JsonObject body = problem(response, 400);
    assertThat(body.getString("type")).isEqualTo("https://panosc.eu/problems/validation");
    assertThat(body.getString("title")).isEqualTo("Invalid request");
    assertThat(body.getString("detail")).isEqualTo("name: must not be blank");
    assertThat(body.getString("instance")).isEqualTo("/invalid");
    assertThat(body.getString("requestId")).isEqualTo("rid-400");
    JsonArray errors = body.getJsonArray("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.getJsonObject(0).getString("field")).isEqualTo("name");
    assertThat(errors.getJsonObject(0).getString("reason")).isEqualTo("must not be blank");
  }

  @Test
  void handleWhenInvalidInputThen400ProblemNamingTheFieldAndNothingLogged() {
    JsonObject body = problem(get("/input"), 400);
    assertThat(body.getString("type")).isEqualTo("https://panosc.eu/problems/validation");
    assertThat(body.getString("detail")).isEqualTo("pid: must not contain control characters");
    assertThat(body.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("pid");
    assertThat(failureLog.list).isEmpty();
  }

  @Test
  void handleWhenFormBodyMalformedThen400NotLogged() {
    HttpResponse<Buffer> response = client.post(server.actualPort(), "localhost", "/upload")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("a=%ZZb"))
        .await();

    JsonObject body = problem(response, 400);
    assertThat(body.getString("detail")).contains("could not be decoded");
    assertThat(failureLog.list).isEmpty();
  }

  @Test
  void handleWhenApiExceptionFailedThenItsStatusAndType() {
    JsonObject body = problem(get("/conflict"), 409);

    assertThat(body.getString("type")).isEqualTo("https://panosc.eu/problems/conflict");
    assertThat(body.getString("detail")).isEqualTo("already exists");
  }

  @Test
  void handleWhenUnexpectedExceptionThen500WithoutDetailsButWithRequestId() {
    HttpResponse<Buffer> response = get("/boom");

    JsonObject body = problem(response, 500);
    String rid = response.getHeader(RequestIds.HEADER);
    String text = response.bodyAsString();
    assertThat(text).doesNotContain("SECRET-XYZ").doesNotContain("hunter2").doesNotContain("at eu.")
        .doesNotContain("Exception").doesNotContain("IllegalState");
    assertThat(body.getString("title")).isEqualTo("Internal Server Error");
    assertThat(body.getString("type")).isEqualTo("about:blank");
    assertThat(body.getString("detail")).contains(rid);
  }

  @Test
  void handleWhenUnexpectedExceptionThenDetailsLoggedUnderRequestId() {
    HttpResponse<Buffer> response = get("/boom");
    String rid = response.getHeader(RequestIds.HEADER);

    await().atMost(Duration.ofSeconds(5)).until(() -> !failureLog.list.isEmpty());
    ILoggingEvent event = failureLog.list.getFirst();
    assertThat(event.getLevel()).isEqualTo(Level.ERROR);
    assertThat(event.getFormattedMessage()).contains(rid).contains("GET /boom");
    assertThat(event.getThrowableProxy().getMessage()).contains("SECRET-XYZ");
  }

  @Test
  void handleWhenCtxFail404Then404Problem() {
    JsonObject body = problem(get("/fail404"), 404);

    assertThat(body.getString("title")).isEqualTo("Not Found");
    assertThat(body.getString("detail")).isEqualTo("No resource at this path.");
    assertThat(body.getString("instance")).isEqualTo("/fail404");
  }

  @Test
  void handleWhenUnknownPathThen404Problem() {
    JsonObject body = problem(get("/no/such/thing"), 404);

    assertThat(body.getString("title")).isEqualTo("Not Found");
    assertThat(body.getString("instance")).isEqualTo("/no/such/thing");
  }

  @Test
  void handleWhenWrongMethodThen405Problem() {
    HttpResponse<Buffer> response = client.delete(server.actualPort(), "localhost", "/only-get").send().await();

    JsonObject body = problem(response, 405);
    assertThat(body.getString("title")).isEqualTo("Method Not Allowed");
  }

  @Test
  void handleWhenDecodeExceptionThen400NotValidJson() {
    assertThat(problem(get("/decode"), 400).getString("detail")).isEqualTo("The request body is not valid JSON.");
  }

  @Test
  void handleWhenProtocolErrorThenRendersOwnFormat() {
    HttpResponse<Buffer> response = client.post(server.actualPort(), "localhost", "/oauth/token").send().await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json").doesNotContain("problem");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo("invalid_request");
    assertThat(body.containsKey("status")).isFalse();
    assertThat(body.containsKey("type")).isFalse();
  }

  @Test
  void handleWhenFailureAfterHeadWrittenThenConnectionResetWithoutExceptionAndServerStillServes() {
    // The 200 head is already out, so no problem can be sent: the connection is reset instead, so
    // that the client cannot take the truncated body for a complete one.
    assertThatThrownBy(() -> get("/partial")).isInstanceOf(HttpClosedException.class);

    await().atMost(Duration.ofSeconds(5)).until(() -> failureLog.list.stream()
        .anyMatch(e -> e.getLevel() == Level.WARN
            && e.getFormattedMessage().contains("failure after the response started")
            && e.getFormattedMessage().contains("late failure")));
    assertThat(failureLog.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    assertThat(vertxLog.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    assertThat(get("/only-get").bodyAsString()).isEqualTo("ok");
  }

  @Test
  void handleWhenFailureAfterResponseEndedThenResponseIntactAndNoException() {
    HttpResponse<Buffer> response = get("/ended");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("done");
    await().atMost(Duration.ofSeconds(5)).until(() -> !failureLog.list.isEmpty());
    assertThat(vertxLog.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    assertThat(get("/only-get").statusCode()).isEqualTo(200);
  }
}
