package eu.panosc.aai;

import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * Composition root of the aai-broker service, mounted at {@code /aai}: single sign-on and per-facility tokens (OpenID provider).
 * The platform provides its schema, health, metrics and OpenAPI routes; its own API follows in
 * its issue.
 */
public final class AaiApplication implements ServiceModule {
  @Override
  public String name() {
    return "aai";
  }

  @Override
  public String title() {
    return "single sign-on and per-facility tokens (OpenID provider)";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    return Future.succeededFuture();
  }
}
