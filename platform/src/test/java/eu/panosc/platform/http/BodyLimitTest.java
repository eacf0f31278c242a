package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.handler.BodyHandler;
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

/** An over-limit body is answered 413 at once and the connection closed, so no client waits for ever. */
@ExtendWith(VertxExtension.class)
class BodyLimitTest {
  private HttpServer server;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = ApiFixture.startWithoutBodyHandler(vertx, router -> {
      router.post("/echo").handler(BodyHandler.create().setBodyLimit(ApiFixture.BODY_LIMIT)).handler(ctx -> ctx.end("ok"));
      // as BearerAuthHandler does while it verifies a token: the request is paused, then the body handler runs
      router.route("/paused").handler(ctx -> {
        ctx.request().pause();
        ctx.vertx().setTimer(50, t -> ctx.next());
      });
      router.post("/nobody").handler(ctx -> ctx.response().setStatusCode(409).end("no"));
      router.post("/paused").handler(BodyHandler.create().setBodyLimit(ApiFixture.BODY_LIMIT)).handler(ctx -> ctx.end("ok"));
    });
  }

  @AfterEach
  void tearDown() {
    server.close().await();
  }

  @Test
  void postWhenContentLengthOverLimitThen413AndConnectionClosed() throws IOException {
    String head = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 10000000\r\n\r\n";
    String answer = exchange(head.getBytes(StandardCharsets.US_ASCII), new byte[64 * 1024]);

    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
        .contains("application/problem+json");
  }

  @Test
  void postWhenRequestPausedBeforeBodyHandlerAndOverLimitThen413AndConnectionClosed() throws IOException {
    String head = "POST /paused HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 10000000\r\n\r\n";
    String answer = exchange(head.getBytes(StandardCharsets.US_ASCII), new byte[16 * 1024]);

    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
  }

  @Test
  void postWhenChunkedBodyGrowsOverLimitThen413AndConnectionClosed() throws IOException {
    String head = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    byte[] chunk = new byte[4096];
    byte[] framed = ("1000\r\n" + new String(chunk, StandardCharsets.ISO_8859_1) + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    String answer = exchange(head.getBytes(StandardCharsets.US_ASCII), framed);

    assertThat(answer).startsWith("HTTP/1.1 413");
  }

  @Test
  void postWhenRouteReadsNoBodyAndOneMegabyteArrivesThenWholeAnswerThenClosed() throws IOException {
    byte[] body = new byte[1024 * 1024];
    java.util.Arrays.fill(body, (byte) 'x');
    String head = "POST /nobody HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    try (Socket socket = new Socket("localhost", server.actualPort())) {
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer).startsWith("HTTP/1.1 409").containsIgnoringCase("connection: close").endsWith("no");
    }
  }

  @Test
  void postWhenBodyWithinLimitThenAnsweredAndConnectionKept() throws IOException {
    try (Socket socket = new Socket("localhost", server.actualPort())) {
      socket.setSoTimeout(2000);
      String request = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      byte[] buffer = new byte[512];
      int n = socket.getInputStream().read(buffer);
      assertThat(new String(buffer, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      n = socket.getInputStream().read(buffer);
      assertThat(new String(buffer, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
    }
  }

  /**
   * Sends {@code head}, then keeps sending {@code body} chunks as a client uploading a large body would, and
   * returns everything read until the server closes the connection; fails if that takes more than 2 seconds.
   */
  private String exchange(byte[] head, byte[] body) throws IOException {
    long started = System.nanoTime();
    try (Socket socket = new Socket("localhost", server.actualPort())) {
      socket.setSoTimeout(2000);
      socket.setSendBufferSize(16 * 1024);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(head);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      boolean closed = false;
      while (!closed && System.nanoTime() - started < 2_000_000_000L) {
        try {
          out.write(body);
          out.flush();
        } catch (IOException e) {
          // the server closed its end while we were still sending: read what it answered
        }
        while (in.available() > 0 || received.size() == 0) {
          int n;
          try {
            n = in.read(buffer);
          } catch (SocketTimeoutException e) {
            break;
          } catch (IOException e) {
            closed = true;
            break;
          }
          if (n < 0) {
            closed = true;
            break;
          }
          received.write(buffer, 0, n);
        }
        if (!closed && received.size() > 0) {
          try {
            socket.setSoTimeout(200);
            int n = in.read(buffer);
            if (n < 0) {
              closed = true;
            } else {
              received.write(buffer, 0, n);
            }
          } catch (SocketTimeoutException e) {
            // still open: send more
          } catch (IOException e) {
            closed = true;
          }
        }
      }
      assertThat(closed).as("the server closed the connection within 2 s").isTrue();
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
