package eu.panosc.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class RepeatedGaugeFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final RepeatedGaugeFilter filter = new RepeatedGaugeFilter();

  private FilterReply decide(String logger, String message) {
    return filter.decide(null, context.getLogger(logger), Level.WARN, message, null, null);
  }

  @Test
  void decideWhenVertxGaugeRegisteredAgainThenDropped() {
    assertThat(decide(RepeatedGaugeFilter.LOGGER, "This Gauge has been already registered (MeterId{name='vertx.net"
        + ".client.active.connections', tags=[]}), the registration will be ignored. Note that subsequent logs will be "
        + "logged at debug level.")).isEqualTo(FilterReply.DENY);
  }

  @Test
  void decideWhenOwnGaugeOrOtherMessageOrLoggerThenKept() {
    assertThat(decide(RepeatedGaugeFilter.LOGGER, "This Gauge has been already registered (MeterId{name='panosc.keys"
        + ".unusable.rows', tags=[]}), the registration will be ignored.")).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(RepeatedGaugeFilter.LOGGER, "something else about name='vertx.x'"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("eu.panosc.pdp", "This Gauge has been already registered (MeterId{name='vertx.x'})"))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
