package eu.panosc.aai;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every form endpoint of the provider against malformed {@code application/x-www-form-urlencoded} bodies and
 * hostile parameter values (control characters, oversized values): OAuth endpoints answer RFC 6749 §5.2
 * {@code invalid_request} (or {@code invalid_client}), the pages a person sees answer an HTML page; never a 5xx,
 * never a stack trace in the response or the log.
 */
class MalformedFormIT {
  /** The endpoints that answer OAuth JSON. */
  static final List<String> OAUTH = List.of("/aai/token", "/aai/introspect", "/aai/revoke", "/aai/par",
      "/aai/device_authorization");
  /** The endpoints a person's browser posts to; they answer HTML pages. */
  static final List<String> BROWSER = List.of("/aai/login", "/aai/consent", "/aai/device", "/aai/logout/confirm",
      "/aai/authorize", "/aai/logout");

  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static ListAppender<ILoggingEvent> log;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString();
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  /** Malformed bodies, by name (raw bytes, as a client would send them). */
  static Map<String, byte[]> malformedBodies() {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("bad percent escape", ascii("grant_type=client_credentials&scope=%ZZ&client_id=panosc-cli&token=x"));
    bodies.put("empty name", ascii("&=x&client_id=panosc-cli&token=x"));
    bodies.put("truncated escape", ascii("client_id=panosc-cli&token=x&a=%"));
    bodies.put("truncated escape, one digit", ascii("client_id=panosc-cli&token=x&a=%4"));
    bodies.put("duplicated parameters", ascii("client_id=panosc-cli&client_id=panosc-cli&token=x&token=y"
        + "&grant_type=client_credentials&grant_type=refresh_token&req=a&req=b&csrf=a&csrf=b&user_code=a&user_code=b"
        + "&decision=approve&decision=deny&step=code&step=code"));
    ByteArrayOutputStream nonUtf8 = new ByteArrayOutputStream();
    nonUtf8.writeBytes(ascii("client_id=panosc-cli&token="));
    nonUtf8.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
    bodies.put("raw non-UTF-8 bytes", nonUtf8.toByteArray());
    bodies.put("escaped non-UTF-8 bytes", ascii("client_id=panosc-cli&token=%C3%28%FF&scope=%ED%A0%80"));
    bodies.put("100 KB value", ascii("client_id=panosc-cli&token=" + "a".repeat(100 * 1024)));
    bodies.put("NUL in client_id", ascii("client_id=a%00b&token=x&grant_type=client_credentials&scope=openid"));
    bodies.put("control characters everywhere", ascii("client_id=panosc-cli&token=x%01&scope=openid%0B"
        + "&grant_type=client_credentials%7F&redirect_uri=http://127.0.0.1/cb%00&state=%1F&req=%00&csrf=%00"
        + "&user_code=%00&decision=approve%00&step=code%00&refresh_token=%00&code=%00&device_code=%00"));
    bodies.put("oversized client_id", ascii("client_id=" + "c".repeat(5000) + "&token=x&grant_type=client_credentials"));
    return bodies;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static HttpResponse<String> post(String path, byte[] body, String basic) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (basic != null) {
      b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(basic.getBytes()));
    }
    return Http.send(b.build());
  }

  /** The status and headers of a raw HTTP/1.1 answer. */
  record RawResponse(int statusCode, String head) {}

  /** A GET with the request target exactly as given (the JDK client refuses malformed escapes). */
  static RawResponse rawGet(String target) {
    URI uri = URI.create(base);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getAuthority()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      String head = end < 0 ? answer : answer.substring(0, end);
      return new RawResponse(Integer.parseInt(head.substring(9, 12)), head);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void formEndpointsWhenBodyMalformedThenInvalidRequestNeverServerError() {
    List<String> problems = new ArrayList<>();
    log.list.clear();
    malformedBodies().forEach((name, body) -> {
      for (String path : OAUTH) {
        for (String auth : new String[] {null, "scicat-esrf:scicat-esrf-demo-secret"}) {
          HttpResponse<String> r = post(path, body, auth);
          String where = path + " (" + name + (auth == null ? "" : ", Basic") + "): " + r.statusCode() + " "
              + r.body().substring(0, Math.min(200, r.body().length()));
          if (r.statusCode() != 400) {
            problems.add(where);
            continue;
          }
          JsonObject error;
          try {
            error = new JsonObject(r.body());
          } catch (RuntimeException e) {
            problems.add(where + " (not JSON)");
            continue;
          }
          if (!"invalid_request".equals(error.getString("error"))
              || !r.headers().firstValue("Cache-Control").orElse("").equals("no-store")) {
            problems.add(where);
          }
        }
      }
      for (String path : BROWSER) {
        HttpResponse<String> r = post(path, body, null);
        String where = path + " (" + name + "): " + r.statusCode();
        if (r.statusCode() >= 500 || r.statusCode() < 400) {
          problems.add(where + " " + r.body().substring(0, Math.min(200, r.body().length())));
        } else if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
          problems.add(where + " (not an HTML page)");
        }
      }
      for (String path : name.startsWith("100 KB") ? List.<String>of()
          : List.of("/aai/authorize", "/aai/logout", "/aai/device")) {
        RawResponse r = rawGet(path + "?" + new String(body, StandardCharsets.ISO_8859_1));
        String where = "GET " + path + " (" + name + "): " + r.statusCode();
        if (path.equals("/aai/device") && name.startsWith("duplicated") && r.statusCode() == 200) {
          continue; // a repeated user_code is not prefilled
        }
        if (r.statusCode() == 414) {
          continue; // the HTTP server's own bound on the request line (4 KB), before any route
        }
        if (r.statusCode() != 400 || !r.head().toLowerCase(java.util.Locale.ROOT).contains("content-type: text/html")) {
          problems.add(where + " " + r.head());
        }
      }
    });
    assertThat(problems).isEmpty();
    assertThat(Http.get(base + "/aai/health/ready").statusCode()).as("still ready").isEqualTo(200);
    assertThat(log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
        || e.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage).toList())
        .as("no warning, error or stack trace per malformed request").isEmpty();
  }
}
