package eu.panosc.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void readableRouteWhenMountPrefixAndEndpointThenMountPlusEndpoint() {
    assertThat(Metrics.readableRoute("/pdp/>/access/v1/>/access/v1/evaluation")).isEqualTo("/pdp/access/v1/evaluation");
    assertThat(Metrics.readableRoute("/registry/>/mdq/entities/")).isEqualTo("/registry/mdq/entities/");
  }

  @Test
  void readableRouteWhenOneRouteThenUnchanged() {
    assertThat(Metrics.readableRoute("/metrics")).isEqualTo("/metrics");
    assertThat(Metrics.readableRoute("")).isEmpty();
  }

  @Test
  void createRegistryWhenMeterTaggedWithVertxRouteThenRouteReadable() {
    var registry = Metrics.createRegistry();
    registry.counter("vertx.http.server.requests", Metrics.ROUTE_TAG, "/pdp/>/access/v1/>/access/v1/evaluation")
        .increment();
    assertThat(registry.scrape()).contains("route=\"/pdp/access/v1/evaluation\"").doesNotContain("/pdp/>");
    registry.close();
  }
}
