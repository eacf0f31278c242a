package eu.panosc.accounting;

import eu.panosc.accounting.demo.DemoUsage;
import eu.panosc.accounting.export.PgExportStore;
import eu.panosc.accounting.export.api.ExportEndpoint;
import eu.panosc.accounting.export.apel.ApelExport;
import eu.panosc.accounting.export.eosc.EoscExport;
import eu.panosc.accounting.export.eosc.EoscPusher;
import eu.panosc.accounting.export.eosc.EoscSettings;
import eu.panosc.accounting.ingest.IngestEndpoint;
import eu.panosc.accounting.ingest.IngestService;
import eu.panosc.accounting.report.ReportEndpoint;
import eu.panosc.accounting.report.ReportService;
import eu.panosc.accounting.store.PgAccountingStore;
import eu.panosc.accounting.store.RollupWorker;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import eu.panosc.accounting.web.OidcLogin;
import eu.panosc.accounting.web.PgPageSessions;
import eu.panosc.accounting.web.ReportPageEndpoint;
import eu.panosc.accounting.web.ReportPageSettings;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.auth.JwksCache;
import eu.panosc.platform.auth.TokenVerifier;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Composition root of the metrics-accounting service, mounted at {@code /accounting}: loss-free ingest of usage
 * records ({@code POST /v1/records}) with rollups folded in after the acknowledgement, and reports over them
 * ({@code GET /v1/reports}).
 */
public final class AccountingApplication implements ServiceModule {
  private EoscPusher eoscPusher;
  private RollupWorker rollups;
  private PgAccountingStore store;
  /** JDBC connections of the ingest's COPY path (each holds one batch's transaction at a time). */
  static final int COPY_CONNECTIONS = 4;
  /** The roll-up steps and the EOSC push run on one replica (eu.panosc.platform.leader). */
  private eu.panosc.platform.leader.Leadership leadership;

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
    EoscSettings.from(section.node("eosc"));
    ReportPageSettings.from(section.node("reportPage"), config.demo());
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    AccountingSettings settings = AccountingSettings.from(context.section());
    // rollups are folded in after the acknowledgement, in the background (every second and after each ingest)
    rollups = new RollupWorker(context.pool(), settings.readWait(), settings.rollupQuiet(),
        settings.rollupMaxYield());
    leadership = context.leadership(name());
    rollups.start(context.vertx(), settings.rollupInterval(), context.meters(), leadership.singleton("rollup"));
    // ingest streams each batch with COPY over JDBC when the database's address is known (always in a platform)
    store = context.databaseTarget().map(t -> PgAccountingStore.withCopy(context.pool(), rollups, context.vertx(), t,
        schema(), COPY_CONNECTIONS)).orElseGet(() -> new PgAccountingStore(context.pool(), rollups));
    BearerAuth auth = context.bearerAuth();
    new IngestEndpoint(new IngestService(store, context.clock(), settings.lateAfter(), settings.maxRecordDuration(),
        settings.futureTolerance(), settings.maxBatchRecords(), IngestService.MAX_BATCH_HOURS, context.meters())).mount(router, auth);
    ReportService reports = new ReportService(store, store);
    new ReportEndpoint(reports).mount(router, auth);
    ReportPageSettings page = ReportPageSettings.from(context.section().node("reportPage"), context.demo());
    new ReportPageEndpoint(page.clientId().isEmpty() ? null : login(context, page), new PgPageSessions(context.pool()),
        reports, context.baseUrl(), context.clock()).mount(router);
    EoscSettings eosc = EoscSettings.from(context.section().node("eosc"));
    PgExportStore exports = new PgExportStore(context.pool(), rollups);
    new ExportEndpoint(new EoscExport(exports, eosc), new ApelExport(exports, context.clock())).mount(router, auth);
    if (eosc.enabled()) {
      eoscPusher = EoscPusher.create(context.vertx(), eosc, context.pool(), context.clock(), context.meters())
          .under(leadership.singleton("eosc-push"));
      eoscPusher.start();
    }
    // demo mode: a few months of usage for the demo federation, idempotent (a restart adds only the new days)
    return context.demo() ? DemoUsage.seed(store, DemoFederation.fixture(), context.clock().instant())
        : Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (rollups != null) {
      rollups.stop();
    }
    if (store != null) {
      store.close();
    }
    Future<Void> pushed = eoscPusher == null ? Future.succeededFuture() : eoscPusher.stop();
    var leaders = leadership;
    return leaders == null ? pushed : pushed.transform(x -> leaders.close());
  }

  /** The report page's OIDC client: tokens from the configured issuer, verified against its JWKS. */
  private static OidcLogin login(ServiceContext context, ReportPageSettings page) {
    String issuer = context.config().auth().issuerFor(context.publicRoot()).toString();
    URI jwks = context.config().auth().jwksFor(context.publicRoot());
    Duration skew = context.config().auth().clockSkew();
    BearerAuthConfig access = new BearerAuthConfig(issuer, Set.of(context.baseUrl().toString()), jwks)
        .withClockSkew(skew);
    BearerAuthConfig id = new BearerAuthConfig(issuer, Set.of(page.clientId().orElseThrow()), jwks, skew,
        Set.of("JWT"), null, null);
    JwksCache keys = new JwksCache(context.vertx(), access, context.clock());
    String base = context.baseUrl().toString().replaceAll("/+$", "");
    return new OidcLogin(WebClient.create(context.vertx()), new PgPageSessions(context.pool()), page, issuer,
        base + "/reports/callback", new TokenVerifier(keys, access, context.clock()),
        new TokenVerifier(keys, id, context.clock()), context.clock());
  }
}
