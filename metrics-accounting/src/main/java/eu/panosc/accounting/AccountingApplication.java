package eu.panosc.accounting;

import eu.panosc.accounting.demo.DemoUsage;
import eu.panosc.accounting.ingest.IngestEndpoint;
import eu.panosc.accounting.ingest.IngestService;
import eu.panosc.accounting.report.ReportEndpoint;
import eu.panosc.accounting.store.PgAccountingStore;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.net.URI;

/**
 * Composition root of the metrics-accounting service, mounted at {@code /accounting}: loss-free ingest of usage
 * records ({@code POST /v1/records}) with rollups maintained in the same transaction, and reports over them
 * ({@code GET /v1/reports}).
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
  public void checkConfig(ConfigNode section, PanoscConfig config, URI publicRoot) {
    AccountingSettings.from(section);
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    AccountingSettings settings = AccountingSettings.from(context.section());
    PgAccountingStore store = new PgAccountingStore(context.pool());
    BearerAuth auth = context.bearerAuth();
    new IngestEndpoint(new IngestService(store, context.clock(), settings.lateAfter(), settings.maxRecordDuration(),
        settings.futureTolerance(), settings.maxBatchRecords(), IngestService.MAX_BATCH_HOURS, context.meters())).mount(router, auth);
    new ReportEndpoint(store).mount(router, auth);
    // demo mode: a few months of usage for the demo federation, idempotent (a restart adds only the new days)
    return context.demo() ? DemoUsage.seed(store, DemoFederation.fixture(), context.clock().instant())
        : Future.succeededFuture();
  }
}
