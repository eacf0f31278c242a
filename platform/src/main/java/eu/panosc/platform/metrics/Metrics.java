package eu.panosc.platform.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * One Prometheus registry per process, fed by the JVM binders, by Vert.x (HTTP servers and pools:
 * {@code vertx_http_server_*}, {@code vertx_pool_*}) and by each
 * service's own meters (named {@code panosc_<service>_*}, all listed in {@code docs/metrics.md}).
 */
public final class Metrics {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private Metrics() {}

  public static PrometheusMeterRegistry createRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // before any meter exists: Micrometer applies filters only to meters registered after them
    registry.config().meterFilter(MeterFilter.replaceTagValues(ROUTE_TAG, Metrics::readableRoute));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** Vert.x's metric families no dashboard or document reads. */
  static final java.util.Set<String> UNREAD = java.util.Set.of(MetricsDomain.HTTP_CLIENT.toCategory(),
      MetricsDomain.NET_CLIENT.toCategory(), MetricsDomain.NET_SERVER.toCategory(),
      MetricsDomain.DATAGRAM_SOCKET.toCategory(), MetricsDomain.EVENT_BUS.toCategory());

  /** The tag Vert.x gives the routes a request matched ({@code Label.HTTP_ROUTE}). */
  static final String ROUTE_TAG = "route";

  /**
   * The route label as a person reads it. Vert.x joins the names (paths) of every route a request matched with
   * {@code >}: the module's mount ({@code /pdp/}), its prefix handlers ({@code /access/v1/}) and the endpoint
   * ({@code /access/v1/evaluation}). The label keeps the mount and the last route matched:
   * {@code /pdp/access/v1/evaluation}. Labels without {@code >} stay as they are.
   */
  static String readableRoute(String label) {
    int first = label.indexOf('>');
    if (first < 0) {
      return label;
    }
    String mount = label.substring(0, first);
    String last = label.substring(label.lastIndexOf('>') + 1);
    if (mount.endsWith("/") && last.startsWith("/")) {
      mount = mount.substring(0, mount.length() - 1);
    }
    return mount + last;
  }

  /**
   * A Vert.x that reports into {@code registry}: its HTTP servers (labelled by route, not path) and its pools. The
   * other families (HTTP and TCP clients, TCP servers, datagrams, the event bus) are off: nothing reads them (see
   * {@code docs/metrics.md}), and each outgoing request — a proxied one, a call to the PDP or to Kubernetes — paid
   * for its meter lookups and tags.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setDisabledMetricsCategories(UNREAD)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /** {@code GET /metrics} in the Prometheus text format. */
  public static Handler<RoutingContext> scrapeHandler(PrometheusMeterRegistry registry) {
    return ctx -> ctx.vertx().<String>executeBlocking(registry::scrape)
        .onSuccess(text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(text))
        .onFailure(ctx::fail);
  }
}
