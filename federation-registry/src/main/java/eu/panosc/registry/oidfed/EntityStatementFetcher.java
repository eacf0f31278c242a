package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Objects;

/**
 * Fetches entity configurations and subordinate statements over HTTP(S) with a timeout and a size limit.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-9">OpenID Federation 1.0 §9, Obtaining Federation Entity Configuration Information</a>
 */
public final class EntityStatementFetcher {
  private final WebClient client;
  private final Duration timeout;
  private final int maxBytes;

  public EntityStatementFetcher(WebClient client, Duration timeout, int maxBytes) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.maxBytes = maxBytes;
  }

  /** The URL of an entity's configuration: the id without trailing slash + {@code /.well-known/openid-federation}. */
  // OIDF 1.0 §9: a trailing "/" is removed before concatenating the well-known path.
  public static String configurationUrl(String entityId) {
    String base = entityId.endsWith("/") ? entityId.substring(0, entityId.length() - 1) : entityId;
    return base + TrustAnchorSettings.WELL_KNOWN;
  }

  public Future<String> entityConfiguration(String entityId) {
    return get(configurationUrl(entityId), MultiMap.caseInsensitiveMultiMap());
  }

  public Future<String> subordinateStatement(String fetchEndpoint, String sub) {
    return get(fetchEndpoint, MultiMap.caseInsensitiveMultiMap().add("sub", sub));
  }

  private Future<String> get(String url, MultiMap query) {
    var request = client.getAbs(url).timeout(timeout.toMillis());
    query.forEach(e -> request.addQueryParam(e.getKey(), e.getValue()));
    return request.send()
        .recover(err -> Future.failedFuture(
            FederationException.invalidTrustChain("Cannot fetch " + url + ": " + err.getMessage())))
        .compose(response -> check(url, response));
  }

  private Future<String> check(String url, HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          url + " answered HTTP " + response.statusCode() + "."));
    }
    String type = response.getHeader("Content-Type");
    if (type == null || !type.split(";")[0].trim().equalsIgnoreCase(FederationMediaTypes.ENTITY_STATEMENT)) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          url + " did not answer with " + FederationMediaTypes.ENTITY_STATEMENT + "."));
    }
    Buffer body = response.body();
    if (body == null || body.length() > maxBytes) {
      return Future.failedFuture(FederationException.invalidTrustChain(
          url + " answered with an empty body or more than " + maxBytes + " bytes."));
    }
    return Future.succeededFuture(body.toString().trim());
  }
}
