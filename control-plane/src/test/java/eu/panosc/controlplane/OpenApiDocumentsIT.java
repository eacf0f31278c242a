package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.RouteTable;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every module's served OpenAPI document is a valid OpenAPI 3.1 document, documents every route its router has,
 * and documents no route that does not exist.
 */
class OpenApiDocumentsIT {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");

  @TempDir
  static Path dir;
  static Platform platform;
  static List<ServiceModule> modules;

  @BeforeAll
  static void start() throws Exception {
    modules = Modules.all();
    platform = PlatformLauncher.start(dir.resolve("data"), modules, true, Map.of(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static JsonObject served(ServiceModule module) {
    var response = Http.get(platform.baseUrl() + module.mountPath() + "/openapi.json");
    assertThat(response.statusCode()).as(module.name()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  @Test
  void openApiWhenServedThenEveryModuleHasOne() {
    assertThat(modules).extracting(ServiceModule::name)
        .containsExactlyInAnyOrder("registry", "aai", "pdp", "broker", "accounting");
  }

  @Test
  void openApiWhenServedThenValidOpenApi31() throws Exception {
    for (ServiceModule module : modules) {
      JsonObject doc = served(module);
      assertThat(doc.getString("openapi")).as(module.name()).startsWith("3.1");
      OpenAPIVersion v31 = OpenAPIVersion.V3_1;
      OutputUnit result = v31.getRepository(platform.vertx(), "app:///")
          .compose(repo -> v31.validateContract(platform.vertx(), repo, doc)
              .compose(out -> v31.resolve(platform.vertx(), repo, doc).map(out)))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(result.getErrors()).as(module.name()).isNullOrEmpty();
      assertThat(result.getValid()).as(module.name()).isTrue();
    }
  }

  @Test
  void openApiWhenServedThenNoMemberWithoutValue() {
    // A YAML flow mapping whose text holds an unquoted comma, {description: a, b}, turns the rest into a key
    // without value; schemas' own keywords may be null (default: null).
    for (ServiceModule module : modules) {
      List<String> found = new java.util.ArrayList<>();
      membersWithoutValue(served(module), "#", found);
      assertThat(found).as(module.name()).isEmpty();
    }
  }

  private static void membersWithoutValue(Object node, String at, List<String> found) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        Object v = o.getValue(key);
        if (v == null && !Set.of("default", "const", "example").contains(key)) {
          found.add(at + "/" + key);
        }
        membersWithoutValue(v, at + "/" + key, found);
      }
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        membersWithoutValue(a.getValue(i), at + "/" + i, found);
      }
    }
  }

  @Test
  void openApiWhenComparedWithRouterThenEveryRouteDocumentedAndEveryDocumentedRouteExists() {
    List<RouteTable.Entry> routes = platform.routes();
    for (ServiceModule module : modules) {
      String prefix = module.mountPath();
      Set<String> routed = new TreeSet<>();
      for (RouteTable.Entry e : routes) {
        if (e.path().startsWith(prefix + "/")) {
          routed.add(e.method() + " " + e.path().substring(prefix.length()));
        }
      }
      Set<String> documented = new TreeSet<>();
      JsonObject paths = served(module).getJsonObject("paths");
      for (String path : paths.fieldNames()) {
        for (String method : paths.getJsonObject(path).fieldNames()) {
          if (METHODS.contains(method)) {
            documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
          }
        }
      }
      assertThat(routed).as(module.name()).contains("GET /health/live", "GET /openapi.json");
      // a prefix route (ending in *) answers every documented path beneath it
      assertThat(routed.stream().filter(r -> documented.stream().noneMatch(d -> covers(r, d))))
          .as("%s: routes not documented", module.name()).isEmpty();
      assertThat(documented.stream().filter(d -> routed.stream().noneMatch(r -> covers(r, d))))
          .as("%s: documented routes that do not exist", module.name()).isEmpty();
    }
  }

  @Test
  void routingWhenDocumentedPathWithUndocumentedMethodThen405OrAuthenticationFirst() {
    for (ServiceModule module : modules) {
      JsonObject paths = served(module).getJsonObject("paths");
      for (String path : paths.fieldNames()) {
        Set<String> documented = paths.getJsonObject(path).fieldNames();
        var undocumented = java.util.stream.Stream.of("patch", "delete", "put", "post", "get")
            .filter(m -> !documented.contains(m)).findFirst();
        if (undocumented.isEmpty()) {
          continue;  // a path answering every method (the PDP's forward-auth) has no wrong one
        }
        String wrong = undocumented.get();
        String url = platform.baseUrl() + module.mountPath() + path.replaceAll("\\{[^}]+}", "x");
        var response = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .timeout(java.time.Duration.ofSeconds(30)).method(wrong.toUpperCase(java.util.Locale.ROOT), java.net.http.HttpRequest.BodyPublishers.noBody())
            .build());
        // a protected path may ask for credentials before it looks at the method
        assertThat(response.statusCode()).as("%s %s", wrong, url).isIn(405, 401);
      }
    }
  }

  @Test
  void landingWhenEveryModuleMountedThenRootLinksEachAndEachMountRootAnswers() {
    String root = Http.get(platform.baseUrl() + "/").body();
    for (ServiceModule module : modules) {
      assertThat(root).contains(platform.baseUrl() + module.mountPath() + "/openapi.json");
      assertThat(Http.get(platform.baseUrl() + module.mountPath()).statusCode()).as(module.name()).isEqualTo(200);
    }
  }

  private static boolean covers(String route, String documented) {
    if (route.endsWith("*")) {
      String prefix = route.substring(0, route.length() - 1);
      return documented.startsWith(prefix) && documented.length() > prefix.length();
    }
    return route.equals(documented);
  }
}
