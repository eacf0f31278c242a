package eu.panosc.aai.saml.sp;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /saml2/sp/metadata}: the SP metadata ({@code application/samlmetadata+xml}), signed once and served for
 * five minutes (so a key rotation shows within five minutes). A failure to build it is a problem+json 503, never a
 * partial document.
 */
public final class SpMetadataEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(SpMetadataEndpoint.class);
  static final Duration REFRESH = Duration.ofMinutes(5);
  public static final String MEDIA_TYPE = "application/samlmetadata+xml";

  private final SpMetadata metadata;
  private final Clock clock;
  private volatile Cached cached;

  private record Cached(String xml, Instant until) {}

  public SpMetadataEndpoint(SpMetadata metadata, Clock clock) {
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The current signed metadata (what the endpoint serves). */
  public String current() {
    Cached c = cached;
    Instant now = clock.instant();
    if (c == null || !c.until().isAfter(now)) {
      c = new Cached(metadata.signedXml(), now.plus(REFRESH));
      cached = c;
    }
    return c.xml();
  }

  public void mount(Router router) {
    router.get(SpEndpoints.METADATA_PATH).handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    String xml;
    try {
      xml = current();
    } catch (RuntimeException e) {
      LOG.error("the SAML SP metadata cannot be built", e);
      ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
          .putHeader("Retry-After", "60")
          .end("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
              + "\"detail\":\"the SAML metadata cannot be built right now\"}");
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + REFRESH.toSeconds()).end(xml);
  }
}
