package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A body read with {@link LineReader#ofBody} answers {@code Expect: 100-continue} when the reading starts (after the
 * route's checks), so a client such as curl sends its body at once instead of waiting a second; a request refused
 * before that gets its final answer and never has to send the body.
 */
@ExtendWith(VertxExtension.class)
class LineReaderExpectContinueTest {
  private static final String BODY = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n";
  private HttpServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = ApiFixture.startWithoutBodyHandler(vertx, router -> {
      // as the ingest endpoints do: the request is paused while the token is checked, then the lines are read
      router.post("/lines").handler(ctx -> {
        ctx.request().pause();
        ctx.vertx().setTimer(20, t -> ctx.next());
      }).handler(ctx -> LineReader.ofBody(ctx.request(), 1024).read(line -> null)
          .onSuccess(n -> ctx.end("lines=" + n)).onFailure(ctx::fail));
      router.post("/refused").handler(ctx -> ctx.response().setStatusCode(401).end("no"));
    });
  }

  @AfterEach
  void tearDown() {
    server.close().await();
  }

  @Test
  void readWhenClientExpectsContinueThen100BeforeTheBodyAndEveryLineRead() throws IOException {
    try (Socket socket = open()) {
      write(socket, head("POST /lines HTTP/1.1", true));
      String interim = readUntil(socket, "\r\n\r\n");
      assertThat(interim).startsWith("HTTP/1.1 100 Continue\r\n");

      write(socket, BODY);
      assertThat(readUntil(socket, "lines=3")).startsWith("HTTP/1.1 200").endsWith("lines=3");
    }
  }

  @Test
  void readWhenRouteRefusesBeforeReadingThenFinalAnswerWithoutContinueAndNoBodyNeeded() throws IOException {
    try (Socket socket = open()) {
      write(socket, head("POST /refused HTTP/1.1", true));
      String answer = readUntil(socket, "no");
      assertThat(answer).startsWith("HTTP/1.1 401").doesNotContain("100 Continue");
    }
  }

  @Test
  void readWhenNoExpectationOrHttp10ThenNoInterimAnswer() throws IOException {
    for (String line : new String[] {"POST /lines HTTP/1.1", "POST /lines HTTP/1.0"}) {
      try (Socket socket = open()) {
        write(socket, head(line, line.endsWith("1.0")) + BODY);
        String answer = readUntil(socket, "lines=3");
        assertThat(answer).as(line).doesNotContain("100 Continue").endsWith("lines=3");
        assertThat(answer.substring(0, 12)).as(line).matches("HTTP/1\\.[01] 200");
      }
    }
  }

  private Socket open() throws IOException {
    Socket socket = new Socket("localhost", server.actualPort());
    socket.setSoTimeout(5000); // a missing 100 would otherwise hang the test; the server answers in milliseconds
    return socket;
  }

  private static String head(String requestLine, boolean expect) {
    return requestLine + "\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\nContent-Length: "
        + BODY.length() + "\r\n" + (expect ? "Expect: 100-continue\r\n" : "") + "\r\n";
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads until {@code end} has arrived; fails the test on a timeout or a closed connection before it. */
  private static String readUntil(Socket socket, String end) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (!received.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no '" + end + "' within 5 s; received: " + received, e);
      }
      if (b < 0) {
        throw new AssertionError("connection closed before '" + end + "'; received: " + received);
      }
      received.write(b);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
