package eu.panosc.aai.federation;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.util.Objects;

/**
 * {@code GET /.well-known/openid-federation} under the issuer: the aai-broker's signed entity configuration. The
 * request carries no parameters (a query string is ignored); another method answers 405 (the platform's router).
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-9">OpenID Federation 1.0 §9, Obtaining Federation Entity Configuration Information</a>
 */
public final class EntityConfigurationEndpoint {
  /** The well-known path, appended to the Entity Identifier (OIDF 1.0 §9). */
  public static final String PATH = "/.well-known/openid-federation";
  /** Shared caches may keep it as long as the service reuses one signed statement. */
  static final String CACHE_CONTROL = "public, max-age=" + EntityConfiguration.REUSE.toSeconds();

  private final EntityConfiguration configuration;

  public EntityConfigurationEndpoint(EntityConfiguration configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, EntityConfiguration.MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
        .end(configuration.signed()));
  }
}
