package eu.panosc.accounting;

import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * Composition root of the metrics-accounting service, mounted at {@code /accounting}: usage records and reports for EOSC operators.
 * The platform provides its schema, health, metrics and OpenAPI routes; its own API follows in
 * its issue.
 */
public final class AccountingApplication implements ServiceModule {
  @Override
  public String name() {
    return "accounting";
  }

  @Override
  public String title() {
    return "usage records and reports for EOSC operators";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    return Future.succeededFuture();
  }
}
