package eu.panosc.registry;

import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * Composition root of the federation-registry service, mounted at {@code /registry}: the federation's members, keys, trust marks and metadata.
 * The platform provides its schema, health, metrics and OpenAPI routes; its own API follows in
 * its issue.
 */
public final class RegistryApplication implements ServiceModule {
  @Override
  public String name() {
    return "registry";
  }

  @Override
  public String title() {
    return "the federation's members, keys, trust marks and metadata";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    return Future.succeededFuture();
  }
}
