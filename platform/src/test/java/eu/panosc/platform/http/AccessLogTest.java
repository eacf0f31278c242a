package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AccessLogTest {
  private static final String LOGGER = "eu.panosc.access";

  private HttpServer server;
  private WebClient client;
  private ListAppender<ILoggingEvent> log;

  @BeforeEach
  void setUp(Vertx vertx) {
    log = ApiFixture.capture(LOGGER);
    server = ApiFixture.start(vertx, router -> {
      router.get("/x").handler(ctx -> ctx.end("hello"));
      router.get("/health/live").handler(ctx -> ctx.end("UP"));
      router.get("/v1/changes").handler(ctx -> ctx.end("{}"));
    });
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    client.close();
    ApiFixture.detach(LOGGER, log);
  }

  @Test
  void handleWhenQueryStringThenLoggedWithoutIt() {
    client.get(server.actualPort(), "localhost", "/x?code=SECRET&state=abc")
        .putHeader(RequestIds.HEADER, "rid-access-1").send().await();

    await().atMost(Duration.ofSeconds(5)).until(() -> !log.list.isEmpty());
    ILoggingEvent event = log.list.getFirst();
    assertThat(event.getLevel()).isEqualTo(Level.INFO);
    assertThat(event.getFormattedMessage())
        .startsWith("GET /x 200 5B ")
        .contains("rid=rid-access-1")
        .doesNotContain("SECRET")
        .doesNotContain("code=")
        .doesNotContain("?");
  }

  @Test
  void handleWhenErrorResponseThenStatusLogged() {
    client.get(server.actualPort(), "localhost", "/missing?token=SECRET").send().await();

    await().atMost(Duration.ofSeconds(5)).until(() -> !log.list.isEmpty());
    assertThat(log.list.getFirst().getFormattedMessage()).startsWith("GET /missing 404 ").doesNotContain("SECRET");
  }

  @Test
  void handleWhenHealthProbeThenNotLoggedAtInfo() {
    client.get(server.actualPort(), "localhost", "/health/live").send().await();
    client.get(server.actualPort(), "localhost", "/x").send().await();

    await().atMost(Duration.ofSeconds(5)).until(() -> !log.list.isEmpty());
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("/health/live"))
        .anyMatch(line -> line.startsWith("GET /x 200"));
  }

  @Test
  void handleWhenLongPollThenNotLoggedAtInfoButShortPollIs() {
    client.get(server.actualPort(), "localhost", "/v1/changes?after=3&wait=25").send().await();
    client.get(server.actualPort(), "localhost", "/v1/changes?wait=0&after=3").send().await();

    await().atMost(Duration.ofSeconds(5)).until(() -> !log.list.isEmpty());
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(1)
        .allMatch(line -> line.startsWith("GET /v1/changes 200"));
  }

  @Test
  void isLongPollWhenWaitParameterThenOnlyNonZeroValues() {
    assertThat(AccessLog.isLongPoll("wait=25")).isTrue();
    assertThat(AccessLog.isLongPoll("after=7&wait=1")).isTrue();
    assertThat(AccessLog.isLongPoll("wait=0")).isFalse();
    assertThat(AccessLog.isLongPoll("wait=")).isFalse();
    assertThat(AccessLog.isLongPoll("await=5")).isFalse();
    assertThat(AccessLog.isLongPoll("after=7")).isFalse();
    assertThat(AccessLog.isLongPoll(null)).isFalse();
  }
}
