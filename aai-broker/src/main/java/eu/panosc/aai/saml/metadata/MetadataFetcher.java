package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import java.net.URI;
import java.util.Optional;

/**
 * Fetches metadata bytes; the one place that knows the transport ({@link HttpMetadataFetcher}; tests give their own).
 * Answers the body of a 200, empty for a 404, and fails with {@link MetadataRefusedException} ({@code UNAVAILABLE} or
 * {@code TOO_LARGE}) otherwise.
 */
public interface MetadataFetcher {
  Future<Optional<byte[]>> fetch(URI uri, int maxBytes);
}
