package eu.panosc.benchmarks.broker;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock API server's dispatcher that keeps Secrets, Services and volume claims itself, by namespace and name in a hash
 * map (create answers 201 with the object as stored, or 409 when the name is taken; get, replace, delete by name; list
 * without watch), and hands every other request (Pods: create, read, list, watch) to {@code others}, the Fabric8 CRUD
 * dispatcher. See {@link MockClusters} for why.
 */
final class NamedObjects extends Dispatcher {
  private static final Pattern PATH = Pattern.compile(
      "/api/v1/namespaces/([a-z0-9.-]+)/(secrets|services|persistentvolumeclaims)(?:/([a-z0-9.-]+))?(?:\\?.*)?");
  private static final Map<String, String> KINDS = Map.of("secrets", "Secret", "services", "Service",
      "persistentvolumeclaims", "PersistentVolumeClaim");

  private final Dispatcher others;
  private final Map<String, JsonObject> objects = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong(1_000_000);

  NamedObjects(Dispatcher others) {
    this.others = others;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher m = PATH.matcher(request.getPath());
    if (!m.matches()) {
      return others.dispatch(request);
    }
    String namespace = m.group(1);
    String plural = m.group(2);
    String name = m.group(3);
    String method = request.getMethod();
    if (name == null) {
      if (method.equals("POST")) {
        return create(namespace, plural, request.getUtf8Body());
      }
      if (method.equals("GET")) {
        JsonArray items = new JsonArray();
        String prefix = plural + "/" + namespace + "/";
        objects.forEach((k, v) -> {
          if (k.startsWith(prefix)) {
            items.add(v);
          }
        });
        return json(200, new JsonObject().put("apiVersion", "v1").put("kind", KINDS.get(plural) + "List")
            .put("metadata", new JsonObject().put("resourceVersion", Long.toString(version.get())))
            .put("items", items));
      }
      return status(405, "MethodNotAllowed", method + " is not served on " + plural);
    }
    String key = plural + "/" + namespace + "/" + name;
    switch (method) {
      case "GET" -> {
        JsonObject o = objects.get(key);
        return o == null ? status(404, "NotFound", plural + " \"" + name + "\" not found") : json(200, o);
      }
      case "PUT" -> {
        JsonObject body;
        try {
          body = new JsonObject(request.getUtf8Body());
        } catch (RuntimeException e) {
          return status(400, "BadRequest", "not a JSON object");
        }
        JsonObject old = objects.get(key);
        if (old == null) {
          return status(404, "NotFound", plural + " \"" + name + "\" not found");
        }
        JsonObject meta = body.getJsonObject("metadata", new JsonObject());
        JsonObject oldMeta = old.getJsonObject("metadata");
        meta.put("uid", oldMeta.getString("uid")).put("creationTimestamp", oldMeta.getString("creationTimestamp"))
            .put("namespace", namespace).put("resourceVersion", Long.toString(version.incrementAndGet()));
        body.put("metadata", meta);
        objects.put(key, body);
        return json(200, body);
      }
      case "DELETE" -> {
        JsonObject o = objects.remove(key);
        return o == null ? status(404, "NotFound", plural + " \"" + name + "\" not found") : json(200, o);
      }
      default -> {
        return status(405, "MethodNotAllowed", method + " is not served on " + plural + "/" + name);
      }
    }
  }

  private MockResponse create(String namespace, String plural, String text) {
    JsonObject body;
    try {
      body = new JsonObject(text);
    } catch (RuntimeException e) {
      return status(400, "BadRequest", "not a JSON object");
    }
    JsonObject meta = body.getJsonObject("metadata", new JsonObject());
    String name = meta.getString("name");
    if (name == null || name.isBlank()) {
      return status(422, "Invalid", "metadata.name: Required value");
    }
    meta.put("namespace", namespace).put("uid", UUID.randomUUID().toString())
        .put("resourceVersion", Long.toString(version.incrementAndGet()))
        .put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    body.put("metadata", meta);
    if (objects.putIfAbsent(plural + "/" + namespace + "/" + name, body) != null) {
      return status(409, "AlreadyExists", plural + " \"" + name + "\" already exists");
    }
    return json(201, body);
  }

  private static MockResponse json(int code, JsonObject body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(body.encode());
  }

  private static MockResponse status(int code, String reason, String message) {
    return json(code, new JsonObject().put("apiVersion", "v1").put("kind", "Status").put("status", "Failure")
        .put("reason", reason).put("message", message).put("code", code));
  }
}
