package eu.panosc.aai.federation.trust;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Fetches statements over HTTP: {@code 200} with {@code application/entity-statement+jwt}, at most 64 KiB, within
 * {@code timeout}; no redirects followed (the web client is created without). Anything else fails with
 * {@code FETCH}.
 */
public final class HttpStatementFetcher implements StatementFetcher {
  static final int MAX_STATEMENT = 64 * 1024;
  private static final String MEDIA_TYPE = "application/entity-statement+jwt";

  private final WebClient web;
  private final Duration timeout;

  public HttpStatementFetcher(WebClient web, Duration timeout) {
    this.web = Objects.requireNonNull(web, "web");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public Future<String> entityConfiguration(String entityId) {
    return get(entityId.replaceAll("/+$", "") + "/.well-known/openid-federation");
  }

  @Override
  public Future<String> subordinateStatement(String fetchEndpoint, String sub) {
    return get(fetchEndpoint + (fetchEndpoint.contains("?") ? "&" : "?") + "sub="
        + URLEncoder.encode(sub, StandardCharsets.UTF_8));
  }

  private Future<String> get(String url) {
    return web.getAbs(url).timeout(timeout.toMillis()).putHeader("Accept", MEDIA_TYPE).send()
        .recover(e -> Future.failedFuture(new TrustChainException(TrustChainException.Reason.FETCH, url
            + " could not be fetched (" + e.getClass().getSimpleName() + ")")))
        .map(r -> body(r, url));
  }

  private static String body(HttpResponse<Buffer> r, String url) {
    if (r.statusCode() != 200) {
      throw new TrustChainException(TrustChainException.Reason.FETCH, url + " answered " + r.statusCode());
    }
    String type = String.valueOf(r.getHeader("Content-Type"));
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith(MEDIA_TYPE)) {
      throw new TrustChainException(TrustChainException.Reason.FETCH, url + " answered " + type + ", not "
          + MEDIA_TYPE);
    }
    Buffer b = r.body();
    if (b == null || b.length() == 0 || b.length() > MAX_STATEMENT) {
      throw new TrustChainException(TrustChainException.Reason.FETCH, url + " answered no statement or one over "
          + MAX_STATEMENT + " bytes");
    }
    return b.toString(StandardCharsets.US_ASCII).strip();
  }
}
