package eu.panosc.platform.service;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The page at {@code /} and at each service's mount root ({@code /pdp}, {@code /pdp/}): links to the services,
 * their OpenAPI documents, health endpoints and metrics, and where the documentation is. HTML for a browser,
 * JSON with {@code Accept: application/json}.
 */
final class LandingPage {
  static final String HTML = "text/html";
  static final String JSON = "application/json";
  private static final List<String> DOCS = List.of("README.md", "docs/demo.md", "docs/configuration.md",
      "docs/benchmarks.md");

  private LandingPage() {}

  /** Makes {@code route} answer with the page of every service in {@code modules}. */
  static void serveRoot(Route route, Supplier<URI> base, List<ServiceModule> modules) {
    serve(route, () -> {
      JsonArray services = new JsonArray();
      modules.forEach(m -> services.add(service(base.get(), m)));
      return new JsonObject().put("title", "PaNOSC control plane").put("services", services)
          .put("metrics", base.get() + "/metrics").put("docs", new JsonArray(DOCS));
    });
  }

  /** Makes {@code route} answer with the page of one service. */
  static void serveModule(Route route, Supplier<URI> base, ServiceModule module) {
    serve(route, () -> new JsonObject().put("title", module.name() + ": " + module.title())
        .put("services", new JsonArray().add(service(base.get(), module)))
        .put("home", base.get() + "/").put("docs", new JsonArray(DOCS)));
  }

  private static void serve(Route route, Supplier<JsonObject> page) {
    route.produces(HTML).produces(JSON).handler(respond(page));
  }

  private static Handler<RoutingContext> respond(Supplier<JsonObject> page) {
    return ctx -> {
      JsonObject json = page.get();
      boolean wantsJson = JSON.equals(ctx.getAcceptableContentType());
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, wantsJson ? JSON : HTML + "; charset=utf-8")
          .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT)
          .end(wantsJson ? json.encodePrettily() : html(json));
    };
  }

  static JsonObject service(URI base, ServiceModule module) {
    String url = base + module.mountPath();
    return new JsonObject().put("name", module.name()).put("title", module.title()).put("url", url)
        .put("openapi", new JsonObject().put("json", url + "/openapi.json").put("yaml", url + "/openapi.yaml"))
        .put("health", new JsonObject().put("live", url + "/health/live").put("ready", url + "/health/ready"))
        .put("metrics", url + "/metrics");
  }

  static String html(JsonObject page) {
    StringBuilder b = new StringBuilder(2048);
    String title = escape(page.getString("title"));
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(title)
        .append("</title>\n<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
            + "li{margin:.3em 0}code{font-size:.95em}</style></head><body>\n<h1>").append(title).append("</h1>\n");
    b.append("<ul>\n");
    for (Object o : page.getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      JsonObject openapi = s.getJsonObject("openapi");
      JsonObject health = s.getJsonObject("health");
      b.append("<li><a href=\"").append(escape(s.getString("url"))).append("/\"><strong>")
          .append(escape(s.getString("name"))).append("</strong></a> ").append(escape(s.getString("title")))
          .append("<br>OpenAPI ").append(link(openapi.getString("json"), "JSON")).append(' ')
          .append(link(openapi.getString("yaml"), "YAML"))
          .append(" · health ").append(link(health.getString("live"), "live")).append(' ')
          .append(link(health.getString("ready"), "ready"))
          .append(" · ").append(link(s.getString("metrics"), "metrics")).append("</li>\n");
    }
    b.append("</ul>\n");
    if (page.containsKey("metrics")) {
      b.append("<p>").append(link(page.getString("metrics"), "Metrics of the process")).append(" (Prometheus)</p>\n");
    }
    if (page.containsKey("home")) {
      b.append("<p>").append(link(page.getString("home"), "Every service of this control plane")).append("</p>\n");
    }
    b.append("<p>Documentation, in the source tree:");
    for (Object d : page.getJsonArray("docs")) {
      b.append(" <code>").append(escape((String) d)).append("</code>");
    }
    b.append(". This page as JSON: <code>Accept: application/json</code>.</p>\n</body></html>\n");
    return b.toString();
  }

  private static String link(String href, String text) {
    return "<a href=\"" + escape(href) + "\">" + escape(text) + "</a>";
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
