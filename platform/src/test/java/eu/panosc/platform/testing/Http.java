package eu.panosc.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking HTTP helpers for tests (called from the test thread, never an event loop). */
public final class Http {
  /**
   * HTTP/1.1, as browsers and gateways reach the services over plain http: the JDK client's default for {@code http://}
   * is an h2c upgrade, and after some odd-method requests (OpenApiDocumentsIT's wrong-method sweep) a following
   * request of that client waited past its own timeout (twice in fresh-clone CI runs; not yet diagnosed whether the
   * server's answer to an upgrade request or the JDK's upgrade handling is at fault).
   */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  public static HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public static HttpResponse<String> postJson(String url, String json) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** A request builder with a bearer token; finish it with {@code .GET()}, {@code .POST(...)} etc. and send. */
  public static HttpRequest.Builder authorized(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(40))
        .header("Authorization", "Bearer " + token);
  }

  public static HttpResponse<String> getAuthorized(String url, String token) {
    return send(authorized(url, token).GET().build());
  }

  public static HttpResponse<String> sendJson(String method, String url, String token, String json) {
    return send(authorized(url, token).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
