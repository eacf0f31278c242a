package eu.panosc.platform.service;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.db.DatabaseTarget;
import eu.panosc.platform.health.Lifecycle;
import eu.panosc.platform.leader.Leadership;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * What the platform hands a {@link ServiceModule}: its Vert.x, its own database pool (search path set
 * to its schema), its configuration section, the process-wide meter registry and clock, and the
 * public URL at which it is mounted, and (when known) where its database is.
 */
public record ServiceContext(
    Vertx vertx,
    PanoscConfig config,
    ConfigNode section,
    Pool pool,
    MeterRegistry meters,
    Clock clock,
    Lifecycle lifecycle,
    URI publicRoot,
    URI baseUrl,
    DatabaseTarget database) {

  public ServiceContext {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(publicRoot, "publicRoot");
    Objects.requireNonNull(baseUrl, "baseUrl");
  }

  /** Without the database's address (a module then has only its {@link #pool()}). */
  public ServiceContext(Vertx vertx, PanoscConfig config, ConfigNode section, Pool pool, MeterRegistry meters,
      Clock clock, Lifecycle lifecycle, URI publicRoot, URI baseUrl) {
    this(vertx, config, section, pool, meters, clock, lifecycle, publicRoot, baseUrl, null);
  }

  /**
   * Where the module's database is, for the few paths the pool cannot serve (e.g. PostgreSQL {@code COPY} through
   * JDBC); empty when the context was made without it. The module's schema is {@link ServiceModule#schema()}.
   */
  public java.util.Optional<DatabaseTarget> databaseTarget() {
    return java.util.Optional.ofNullable(database);
  }

  /**
   * Bearer-token authentication for this service's API: tokens from the configured issuer
   * ({@code auth.issuer}, default {@code <base>/aai}) whose {@code aud} names this service's URL.
   * Keys are fetched from the JWKS lazily, on the first protected request.
   */
  public BearerAuth bearerAuth() {
    BearerAuthConfig auth = new BearerAuthConfig(config.auth().issuerFor(publicRoot).toString(),
        java.util.Set.of(baseUrl.toString()), config.auth().jwksFor(publicRoot))
        .withClockSkew(config.auth().clockSkew());
    return BearerAuth.create(vertx, auth, clock);
  }

  /**
   * The leader election of this service's singletons (root setting {@code leader}); call once per service, in
   * {@code mount}, and {@link Leadership#close} it in {@code stop}.
   */
  public Leadership leadership(String service) {
    return Leadership.create(vertx, config.leader(), pool, meters, service);
  }

  /** True when running with the demo federation and its published credentials. */
  public boolean demo() {
    return config.demo();
  }
}
