package eu.panosc.broker;

import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * Composition root of the resource-broker service, mounted at {@code /broker}: Jupyter and remote-desktop analysis sessions on facility and EOSC clusters.
 * The platform provides its schema, health, metrics and OpenAPI routes; its own API follows in
 * its issue.
 */
public final class BrokerApplication implements ServiceModule {
  @Override
  public String name() {
    return "broker";
  }

  @Override
  public String title() {
    return "Jupyter and remote-desktop analysis sessions on facility and EOSC clusters";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    return Future.succeededFuture();
  }
}
