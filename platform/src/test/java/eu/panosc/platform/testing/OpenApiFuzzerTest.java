package eu.panosc.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fuzzer finds what a deliberately broken service does wrong, and nothing in what it does right. */
class OpenApiFuzzerTest {
  private static final String DOCUMENT = """
      {"openapi":"3.1.0","paths":{
        "/things/{id}":{
          "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],
          "get":{"responses":{"200":{"description":"the thing"}}},
          "put":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{
            "name":{"type":"string","maxLength":10},"created":{"type":"string","format":"date-time"}}}}}},
            "responses":{"204":{"description":"stored"}}}},
        "/health/ready":{"get":{"responses":{"200":{"description":"ready"}}}}}}
      """;

  private HttpServer server;
  private final Map<String, String> things = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/svc/openapi.json", ex -> answer(ex, 200, DOCUMENT));
    server.createContext("/svc/health", ex -> answer(ex, 200, "{\"status\":\"UP\"}"));
    server.createContext("/svc/things/", this::things);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Stores a body; crashes with a stack trace on U+0000; refuses year +10000 after storing it. */
  private void things(HttpExchange ex) throws IOException {
    String id = ex.getRequestURI().getRawPath().substring("/svc/things/".length());
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (ex.getRequestMethod().equals("GET")) {
      String thing = things.get(id);
      answer(ex, thing == null ? 404 : 200, thing == null ? "{}" : thing);
    } else if (body.contains("\\u0000")) {
      answer(ex, 500, "java.lang.IllegalStateException: bad\n\tat eu.panosc.Things.put(Things.java:1)");
    } else if (body.contains("+10000")) {
      things.put(id, body);
      answer(ex, 400, "{\"title\":\"bad date\"}");
    } else if (body.startsWith("{\"name\":\"") && body.length() < 200) {
      things.put(id, body);
      answer(ex, 204, "");
    } else {
      answer(ex, 400, "{\"title\":\"bad request\"}");
    }
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  private FuzzFindings fuzz() {
    URI mount = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/svc");
    return OpenApiFuzzer.forService("things", mount).example("id", "t1").maxCasesPerOperation(40).run();
  }

  @Test
  void runWhenServiceCrashesOnNulThenServerErrorAndLeakReported() {
    FuzzFindings findings = fuzz();

    assertThat(findings.violations()).anySatisfy(v -> {
      assertThat(v.operation()).isEqualTo("PUT /things/{id}");
      assertThat(v.input()).isEqualTo("body.name = U+0000 in string");
      assertThat(v.status()).isEqualTo(500);
    });
    assertThat(findings.violations()).anySatisfy(v -> assertThat(v.what()).contains("IllegalStateException"));
  }

  @Test
  void runWhenRefusedWriteIsStoredThenStateChangeReported() {
    FuzzFindings findings = fuzz();

    assertThat(findings.violations()).anySatisfy(v -> {
      assertThat(v.input()).isEqualTo("body.created = year +10000");
      assertThat(v.what()).startsWith("refused, but GET /things/t1 changed");
    });
  }

  @Test
  void runWhenValidAndCleanlyRefusedInputsThenNothingReportedForThem() {
    FuzzFindings findings = fuzz();

    assertThat(findings.violations()).noneMatch(v -> v.input().startsWith("baseline")
        || v.input().startsWith("body.name = 12345") || v.operation().startsWith("GET"));
    assertThat(findings.requestCount()).isGreaterThan(40);
    assertThatThrownBy(findings::assertNone).hasMessageContaining("PUT /things/{id}");
  }
}
