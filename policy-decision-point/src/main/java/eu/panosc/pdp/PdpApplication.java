package eu.panosc.pdp;

import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * Composition root of the policy-decision-point service, mounted at {@code /pdp}: proposal- and embargo-based dataset access decisions (AuthZEN 1.0).
 * The platform provides its schema, health, metrics and OpenAPI routes; its own API follows in
 * its issue.
 */
public final class PdpApplication implements ServiceModule {
  @Override
  public String name() {
    return "pdp";
  }

  @Override
  public String title() {
    return "proposal- and embargo-based dataset access decisions (AuthZEN 1.0)";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    return Future.succeededFuture();
  }
}
