package eu.panosc.platform.service;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * A service of the control plane (registry, aai, pdp, broker, accounting). The platform gives every
 * module a database schema migrated from {@code classpath:db/<schema>}, {@code /health/live},
 * {@code /health/ready}, {@code /metrics} and its OpenAPI document at {@code /openapi.json} and
 * {@code /openapi.yaml} (from {@code classpath:openapi/<name>.yaml}); the module adds its own routes.
 * Modules are found with {@link java.util.ServiceLoader}.
 */
public interface ServiceModule {
  /** Short name: the mount path's segment, schema name and configuration section, e.g. {@code pdp}. */
  String name();

  /** One line saying what the service does, printed at start-up. */
  String title();

  default String mountPath() {
    return "/" + name();
  }

  /** The PostgreSQL schema this service owns. */
  default String schema() {
    return name();
  }

  default String openApiResource() {
    return "openapi/" + name() + ".yaml";
  }

  /** Adds the service's own routes to {@code router}, which is mounted at {@link #mountPath()}. */
  Future<Void> mount(Router router, ServiceContext context);

  /**
   * Adds the few routes of this module that must live at the server root, outside {@link #mountPath()}: e.g. the
   * path-inserted well-known URIs of RFC 8414 §3 and RFC 8615 ({@code /.well-known/<suffix>/<mount path>}).
   * Called once after {@link #mount} succeeded; by default there are none.
   */
  default void mountRoot(Router root) {}

  /** Releases what {@link #mount} acquired; called after the HTTP server stopped taking requests. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
