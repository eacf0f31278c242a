package eu.panosc.aai.authorize;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.Optional;

/**
 * Pushed authorization requests (RFC 9126) in {@code aai.pushed_authorization_request}: the request's parameters
 * under the SHA-256 of a random {@code request_uri} ({@code urn:ietf:params:oauth:request_uri:} and 256 random
 * bits), bound to the client that pushed them, usable once and for {@link #lifetime()}.
 */
public interface PushedRequests {
  String PREFIX = "urn:ietf:params:oauth:request_uri:";

  Duration lifetime();

  /** Stores the parameters (every value of every name); returns the {@code request_uri}. */
  Future<String> save(String clientId, MultiMap params);

  /**
   * Uses up the request {@code uri} pushed by {@code clientId}: its parameters, or empty when it is unknown, expired,
   * used, or was pushed by another client (which leaves it usable by its own client).
   */
  Future<Optional<MultiMap>> consume(String uri, String clientId);

  Future<Void> purgeExpired();
}
