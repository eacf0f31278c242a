package eu.panosc.platform.service;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds a service's OpenAPI 3.1 document: the module's own YAML, plus the paths every service has
 * (health, metrics, the document itself) from {@code openapi/platform-common.yaml}, plus a
 * {@code servers} entry for where the service is mounted.
 */
final class OpenApiDocuments {
  private OpenApiDocuments() {}

  record Rendered(String json, String yaml) {}

  static Rendered build(ServiceModule module, String serverUrl) {
    JsonObject doc = load(module.getClass().getClassLoader(), module.openApiResource());
    JsonObject common = load(OpenApiDocuments.class.getClassLoader(), "openapi/platform-common.yaml");
    JsonObject paths = doc.getJsonObject("paths", new JsonObject());
    common.getJsonObject("paths").forEach(e -> {
      if (!paths.containsKey(e.getKey())) {
        paths.put(e.getKey(), e.getValue());
      }
    });
    doc.put("paths", paths);
    JsonObject components = doc.getJsonObject("components", new JsonObject());
    for (String section : new String[] {"schemas", "responses", "securitySchemes"}) {
      JsonObject target = components.getJsonObject(section, new JsonObject());
      JsonObject source = common.getJsonObject("components", new JsonObject()).getJsonObject(section, new JsonObject());
      source.forEach(e -> {
        if (!target.containsKey(e.getKey())) {
          target.put(e.getKey(), e.getValue());
        }
      });
      if (!target.isEmpty()) {
        components.put(section, target);
      }
    }
    doc.put("components", components);
    doc.put("servers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", serverUrl)));
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    String yaml = new Yaml(options).dump(plain(doc));
    return new Rendered(doc.encodePrettily(), yaml);
  }

  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (v instanceof Map<?, ?> map) {
      return plain(new JsonObject(new java.util.LinkedHashMap<>(castMap(map))));
    }
    if (v instanceof io.vertx.core.json.JsonArray a) {
      java.util.List<Object> l = new java.util.ArrayList<>();
      a.forEach(x -> l.add(plain(x)));
      return l;
    }
    if (v instanceof java.util.List<?> list) {
      return plain(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(list)));
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject load(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("OpenAPI document " + resource + " is missing from the classpath");
      }
      Object parsed = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new JsonObject((Map<String, Object>) parsed).copy();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
