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

  @Test
  void vertxWhenServingAndCallingThenServerAndPoolFamiliesButNoClientOnes() throws Exception {
    var registry = Metrics.createRegistry();
    io.vertx.core.Vertx vertx = Metrics.vertx(registry);
    try {
      io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"))
          .listen(0, "127.0.0.1").await(10, java.util.concurrent.TimeUnit.SECONDS);
      io.vertx.core.http.HttpClientAgent client = vertx.createHttpClient();
      String body = client.request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/x")
          .compose(req -> req.send().compose(io.vertx.core.http.HttpClientResponse::body))
          .await(10, java.util.concurrent.TimeUnit.SECONDS).toString();
      assertThat(body).isEqualTo("ok");
      vertx.executeBlocking(() -> "pool").await(10, java.util.concurrent.TimeUnit.SECONDS);

      String scrape = registry.scrape();
      assertThat(scrape).contains("vertx_http_server_requests_total").contains("vertx_http_server_active_requests")
          .contains("vertx_pool_in_use");
      assertThat(scrape).doesNotContain("vertx_http_client_").doesNotContain("vertx_net_client_")
          .doesNotContain("vertx_net_server_");
    } finally {
      vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
      registry.close();
    }
  }
}
