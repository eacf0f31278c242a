package eu.panosc.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void ofWhenSubRoutersParamsRegexAndPrefixesThenOpenApiPaths() {
    Router root = Router.router(vertx);
    root.route().handler(ctx -> ctx.next());
    root.get("/metrics").handler(ctx -> ctx.end());
    Router module = Router.router(vertx);
    module.route("/admin/*").handler(ctx -> ctx.next());
    module.get("/v1/:collection/:id").handler(ctx -> ctx.end());
    module.post("/v1/:collection").handler(ctx -> ctx.end());
    module.getWithRegex("/v1/datasets/(?<pid>.+)").handler(ctx -> ctx.end());
    module.get("/mdq/entities/*").handler(ctx -> ctx.end());
    root.route("/svc/*").subRouter(module);

    assertThat(RouteTable.of(root)).containsExactly(
        new RouteTable.Entry("GET", "/metrics"),
        new RouteTable.Entry("GET", "/svc/mdq/entities/*"),
        new RouteTable.Entry("GET", "/svc/v1/datasets/{pid}"),
        new RouteTable.Entry("POST", "/svc/v1/{collection}"),
        new RouteTable.Entry("GET", "/svc/v1/{collection}/{id}"));
  }
}
