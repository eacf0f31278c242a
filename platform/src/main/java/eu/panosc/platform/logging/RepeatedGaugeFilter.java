package eu.panosc.platform.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's warning {@code This Gauge has been already registered} for Vert.x's own gauges. Vert.x's
 * Micrometer metrics register the same gauge again for every new client connection and then share one value behind
 * it (by design), so the warning says nothing an operator can act on. The same warning about any other meter (our
 * own) is kept.
 */
final class RepeatedGaugeFilter extends TurboFilter {
  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  private static final String MESSAGE = "This Gauge has been already registered";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || !LOGGER.equals(logger.getName()) || !format.startsWith(MESSAGE)) {
      return FilterReply.NEUTRAL;
    }
    // Micrometer formats the message itself: the meter id is in it (or, in a placeholder form, the first argument)
    String id = params != null && params.length > 0 ? String.valueOf(params[0]) : format;
    return id.contains("name='vertx.") ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
