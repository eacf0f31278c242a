package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches metadata bytes; the one place that knows the transport ({@link HttpMetadataFetcher}; tests give their own).
 * Answers the body of a 200, empty for a 404, and fails with {@link MetadataRefusedException} ({@code UNAVAILABLE} or
 * {@code TOO_LARGE}) otherwise.
 */
public interface MetadataFetcher {
  Future<Optional<byte[]>> fetch(URI uri, int maxBytes);

  /**
   * As {@link #fetch}, sending {@code If-None-Match} when an ETag of the copy held is known; a fetcher that does not
   * support conditional requests answers as {@link #fetch} (never {@link Fetched.Status#NOT_MODIFIED}).
   */
  default Future<Fetched> fetch(URI uri, int maxBytes, Optional<String> etag) {
    return fetch(uri, maxBytes).map(body -> body.map(b -> new Fetched(Fetched.Status.OK, b, Optional.empty()))
        .orElseGet(() -> new Fetched(Fetched.Status.NOT_FOUND, new byte[0], Optional.empty())));
  }

  /** An answer: its status, the body of a 200, and the ETag to send next time. */
  record Fetched(Status status, byte[] body, Optional<String> etag) {
    public Fetched {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(etag, "etag");
    }

    /** 200, 404, or 304 (the held copy is current). */
    public enum Status {
      OK, NOT_FOUND, NOT_MODIFIED
    }
  }
}
