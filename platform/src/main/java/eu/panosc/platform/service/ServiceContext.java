package eu.panosc.platform.service;

import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.health.Lifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * What the platform hands a {@link ServiceModule}: its Vert.x, its own database pool (search path set
 * to its schema), its configuration section, the process-wide meter registry and clock, and the
 * public URL at which it is mounted.
 */
public record ServiceContext(
    Vertx vertx,
    PanoscConfig config,
    ConfigNode section,
    Pool pool,
    MeterRegistry meters,
    Clock clock,
    Lifecycle lifecycle,
    URI baseUrl) {

  public ServiceContext {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(baseUrl, "baseUrl");
  }

  /** True when running with the demo federation and its published credentials. */
  public boolean demo() {
    return config.demo();
  }
}
