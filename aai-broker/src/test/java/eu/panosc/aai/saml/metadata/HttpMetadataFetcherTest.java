package eu.panosc.aai.saml.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP fetcher against a loopback server: 200, 404, other statuses, oversized bodies, nobody listening. */
class HttpMetadataFetcherTest {
  private HttpServer server;
  private ExecutorService executor;
  private HttpMetadataFetcher fetcher;
  private final AtomicReference<String> accept = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      accept.set(exchange.getRequestHeaders().getFirst("Accept"));
      String path = exchange.getRequestURI().getPath();
      byte[] body = "<md:EntitiesDescriptor/>".repeat(path.equals("/big") ? 100 : 1).getBytes(StandardCharsets.UTF_8);
      if (path.startsWith("/gzip") && "gzip".equals(exchange.getRequestHeaders().getFirst("Accept-Encoding"))) {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
          gz.write(new byte[path.equals("/gzip-bomb") ? 10_000_000 : 0]);
          gz.write("<md:EntitiesDescriptor/>".getBytes(StandardCharsets.UTF_8));
        }
        body = zipped.toByteArray();
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      if (path.equals("/tagged")) {
        exchange.getResponseHeaders().set("ETag", "\"t1\"");
        if ("\"t1\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          exchange.sendResponseHeaders(304, -1);
          exchange.close();
          return;
        }
      }
      if (path.equals("/gzip-missing")) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      int status = switch (path) {
        case "/missing" -> 404;
        case "/broken" -> 503;
        default -> 200;
      };
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    executor = Executors.newFixedThreadPool(2);
    fetcher = new HttpMetadataFetcher(Duration.ofSeconds(5), executor);
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static Optional<byte[]> await(Future<Optional<byte[]>> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static MetadataRefusedException failure(Future<Optional<byte[]>> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return (MetadataRefusedException) e.getCause();
    }
    throw new AssertionError("the fetch did not fail");
  }

  @Test
  void okThenBodyAndMetadataAcceptHeader() throws Exception {
    assertThat(await(fetcher.fetch(url("/feed.xml"), 1000))).hasValueSatisfying(
        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("<md:EntitiesDescriptor/>"));
    assertThat(accept.get()).startsWith("application/samlmetadata+xml");
  }

  @Test
  void gzipThenDecompressedAndBoundedAfterDecompression() throws Exception {
    assertThat(await(fetcher.fetch(url("/gzip"), 1000))).hasValueSatisfying(
        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("<md:EntitiesDescriptor/>"));
    assertThat(failure(fetcher.fetch(url("/gzip-bomb"), 1_000_000)).kind())
        .isEqualTo(MetadataRefusedException.Kind.TOO_LARGE);
  }

  @Test
  void etagThenReturnedAndConditionalRequestAnsweredNotModified() throws Exception {
    MetadataFetcher.Fetched first = fetcher.fetch(url("/tagged"), 1000, Optional.empty()).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(first.status()).isEqualTo(MetadataFetcher.Fetched.Status.OK);
    assertThat(first.etag()).contains("\"t1\"");

    MetadataFetcher.Fetched second = fetcher.fetch(url("/tagged"), 1000, first.etag()).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(second.status()).isEqualTo(MetadataFetcher.Fetched.Status.NOT_MODIFIED);
    assertThat(second.body()).isEmpty();
  }

  @Test
  void notFoundThenEmpty() throws Exception {
    assertThat(await(fetcher.fetch(url("/missing"), 1000))).isEmpty();
    assertThat(await(fetcher.fetch(url("/gzip-missing"), 1000))).as("an empty gzip-labelled 404").isEmpty();
  }

  @Test
  void otherStatusThenUnavailableNamingIt() throws Exception {
    MetadataRefusedException e = failure(fetcher.fetch(url("/broken"), 1000));
    assertThat(e.kind()).isEqualTo(MetadataRefusedException.Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("HTTP 503");
  }

  @Test
  void bodyOverLimitThenTooLarge() throws Exception {
    MetadataRefusedException e = failure(fetcher.fetch(url("/big"), 1000));
    assertThat(e.kind()).isEqualTo(MetadataRefusedException.Kind.TOO_LARGE);
  }

  @Test
  void nobodyListeningThenUnavailable() throws Exception {
    URI closed = url("/x");
    server.stop(0);
    assertThat(failure(fetcher.fetch(closed, 1000)).kind()).isEqualTo(MetadataRefusedException.Kind.UNAVAILABLE);
  }
}
