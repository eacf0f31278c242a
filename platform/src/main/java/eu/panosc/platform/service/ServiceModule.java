package eu.panosc.platform.service;

import eu.panosc.platform.health.ReadinessCheck;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

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

  /**
   * Checks this module's section {@code services.<name>} before anything starts (no database, no port yet), so a
   * typo or a bad value is one line and exit 2 instead of a failure after PostgreSQL started. Throws
   * {@link eu.panosc.platform.config.ConfigException} naming the key and the fix. {@code publicRoot} is the
   * configured public URL (or {@code http://host:port} as configured). By default nothing is checked here.
   */
  default void checkConfig(eu.panosc.platform.config.ConfigNode section, eu.panosc.platform.config.PanoscConfig config,
      java.net.URI publicRoot) {}

  /** Adds the service's own routes to {@code router}, which is mounted at {@link #mountPath()}. */
  Future<Void> mount(Router router, ServiceContext context);

  /**
   * Further conditions of this module's {@code /health/ready} besides its database (e.g. "the decision cache
   * follows the writes"). Asked once, before {@link #mount}; a check may depend on state mount sets up later.
   */
  default List<ReadinessCheck> readinessChecks() {
    return List.of();
  }

  /**
   * Documents this service also publishes at the server's root, in RFC 8615's path-inserted form: each
   * entry, a well-known suffix (e.g. {@code authzen-configuration}) and its handler, is served at
   * {@code GET /.well-known/<suffix><mountPath>} (e.g. {@code /.well-known/authzen-configuration/pdp}).
   * Asked once, after {@link #mount} succeeded.
   *
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8615#section-3">RFC 8615 §3: Well-Known URIs</a>
   */
  default Map<String, Handler<RoutingContext>> wellKnown() {
    return Map.of();
  }

  /**
   * Stops following other services (change feeds, long polls, polling and registration timers) at shutdown, before
   * the HTTP server stops: a feed that learns of the closing server no longer retries against the closed port (in
   * one process the modules follow each other through it). Requests in flight are still served afterwards, so nothing
   * they need closes here; that is {@link #stop()}'s. Called once, after the drain delay.
   */
  default Future<Void> stopFeeds() {
    return Future.succeededFuture();
  }

  /** Releases what {@link #mount} acquired; called after the HTTP server stopped taking requests. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
