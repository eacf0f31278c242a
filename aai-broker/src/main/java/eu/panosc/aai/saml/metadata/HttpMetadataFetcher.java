package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.zip.GZIPInputStream;

/**
 * Fetches metadata over HTTP(S) with the JDK client: {@code Accept: application/samlmetadata+xml}, gzip accepted, a
 * timeout, and the (decompressed) body read to at most the allowed size: a larger body, or a gzip bomb, is refused,
 * not buffered.
 * Reading happens on {@code executor}, never on an event loop.
 */
public final class HttpMetadataFetcher implements MetadataFetcher {
  private final HttpClient client;
  private final Duration timeout;
  private final Executor executor;

  public HttpMetadataFetcher(Duration timeout, Executor executor) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
        .executor(executor).build();
  }

  @Override
  public Future<Optional<byte[]>> fetch(URI uri, int maxBytes) {
    Promise<Optional<byte[]>> promise = Promise.promise();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/samlmetadata+xml, application/xml;q=0.5").header("Accept-Encoding", "gzip")
        .GET().build();
    client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).whenCompleteAsync((response, error) -> {
      if (error != null) {
        promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
            "fetching " + uri + " failed: " + error.getClass().getSimpleName()));
        return;
      }
      try (InputStream raw = response.body();
          InputStream in = response.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase)
              .isPresent() ? new GZIPInputStream(raw) : raw) {
        if (response.statusCode() == 404) {
          promise.complete(Optional.empty());
        } else if (response.statusCode() != 200) {
          promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
              "fetching " + uri + " answered HTTP " + response.statusCode()));
        } else {
          byte[] body = in.readNBytes(maxBytes + 1);
          if (body.length > maxBytes) {
            promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.TOO_LARGE,
                "the metadata at " + uri + " has more than the " + maxBytes + " bytes allowed"));
          } else {
            promise.complete(Optional.of(body));
          }
        }
      } catch (IOException e) {
        promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
            "reading " + uri + " failed: " + e.getClass().getSimpleName()));
      }
    }, executor);
    return promise.future();
  }
}
