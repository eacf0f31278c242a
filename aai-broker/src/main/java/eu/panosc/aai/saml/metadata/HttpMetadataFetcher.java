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
 * Fetches metadata over HTTP(S) with the JDK client: {@code Accept: application/samlmetadata+xml}, gzip accepted,
 * {@code If-None-Match} when an ETag is known (a 304 keeps the held copy without parsing it again), a timeout, and the
 * (decompressed) body read to at most the allowed size: a larger body, or a gzip bomb, is refused, not buffered.
 * Reading and the callers' parsing happen on {@code executor}, never on an event loop.
 */
public final class HttpMetadataFetcher implements MetadataFetcher {
  /** An ETag longer than this is not kept. */
  private static final int MAX_ETAG = 256;

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
    return fetch(uri, maxBytes, Optional.empty()).map(f -> f.status() == Fetched.Status.OK ? Optional.of(f.body())
        : Optional.empty());
  }

  @Override
  public Future<Fetched> fetch(URI uri, int maxBytes, Optional<String> etag) {
    Promise<Fetched> promise = Promise.promise();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/samlmetadata+xml, application/xml;q=0.5").header("Accept-Encoding", "gzip");
    etag.ifPresent(e -> request.header("If-None-Match", e));
    client.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream())
        .whenCompleteAsync((response, error) -> {
          if (error != null) {
            promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
                "fetching " + uri + " failed: " + error.getClass().getSimpleName()));
            return;
          }
          try (InputStream raw = response.body()) {
            Optional<String> tag = response.headers().firstValue("ETag")
                .filter(t -> t.length() <= MAX_ETAG && t.chars().allMatch(c -> c >= 0x21 && c <= 0x7e));
            int status = response.statusCode();
            if (status == 304 && etag.isPresent()) {
              promise.complete(new Fetched(Fetched.Status.NOT_MODIFIED, new byte[0], etag));
            } else if (status == 404) {
              promise.complete(new Fetched(Fetched.Status.NOT_FOUND, new byte[0], Optional.empty()));
            } else if (status != 200) {
              promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
                  "fetching " + uri + " answered HTTP " + status));
            } else {
              boolean gzip = response.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase)
                  .isPresent();
              byte[] body = (gzip ? new GZIPInputStream(raw) : raw).readNBytes(maxBytes + 1);
              if (body.length > maxBytes) {
                promise.fail(new MetadataRefusedException(MetadataRefusedException.Kind.TOO_LARGE,
                    "the metadata at " + uri + " has more than the " + maxBytes + " bytes allowed"));
              } else {
                promise.complete(new Fetched(Fetched.Status.OK, body, tag));
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
