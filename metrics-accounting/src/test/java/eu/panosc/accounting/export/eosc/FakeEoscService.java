package eu.panosc.accounting.export.eosc;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the EOSC Accounting Service, which cannot run here (an external SaaS): the metric API the push uses
 * ({@code POST}, {@code PATCH} and the paged {@code GET} of {@code /accounting-system/installations/{id}/metrics},
 * bearer token required, like the real one storing every POST as a new record with no idempotency key) and a
 * client-credentials token endpoint at {@code /token}. Faults are scripted per POST: a 500 before or after storing,
 * a 429 with Retry-After, an answer slower than the client's timeout after storing, the connection closed after
 * storing. {@link #stop()} and {@link #start()} on the same port give "connection refused" in between.
 */
final class FakeEoscService implements AutoCloseable {
  static final String CLIENT = "panosc-accounting";
  static final String SECRET = "s3cret-client";
  static final String TOKEN_PREFIX = "tok-";

  enum Fault { FAIL_500, FAIL_500_AFTER_STORE, RATE_LIMITED, SLOW_AFTER_STORE, CLOSE_AFTER_STORE }

  private final Vertx vertx;
  private final Map<String, JsonObject> metrics = new LinkedHashMap<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger tokens = new AtomicInteger();
  private HttpServer server;
  private int port;
  private long slowMillis = 5_000;

  FakeEoscService(Vertx vertx) {
    this.vertx = vertx;
  }

  synchronized FakeEoscService start() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").await();
    port = server.actualPort();
    return this;
  }

  void stop() {
    server.close().await();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  synchronized void fail(Fault... next) {
    faults.addAll(List.of(next));
  }

  /** Stores a record as if a POST had reached the service (its answer lost); returns its id. */
  synchronized String store(String installation, JsonObject m) {
    String id = "m" + ids.incrementAndGet();
    metrics.put(id, m.copy().put("metric_id", id).put("installation", installation));
    return id;
  }

  /** Deletes a record, as an operator of the service might. */
  synchronized void delete(String id) {
    metrics.remove(id);
  }

  synchronized List<JsonObject> metrics() {
    return metrics.values().stream().map(JsonObject::copy).toList();
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many tokens the token endpoint issued. */
  int tokensIssued() {
    return tokens.get();
  }

  private synchronized void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> serve(req, body.toString(StandardCharsets.UTF_8)));
  }

  private synchronized void serve(HttpServerRequest req, String body) {
    requests.add(req.method() + " " + req.path());
    if (req.path().equals("/token")) {
      token(req, body);
      return;
    }
    String auth = req.getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer " + TOKEN_PREFIX)) {
      req.response().setStatusCode(401).end(new JsonObject().put("code", 401).put("message", "unauthorized").encode());
      return;
    }
    String[] parts = req.path().split("/");
    // ["", "accounting-system", "installations", id, "metrics", (metricId)]
    if (parts.length < 5 || !"installations".equals(parts[2]) || !"metrics".equals(parts[4])) {
      req.response().setStatusCode(404).end();
      return;
    }
    String installation = parts[3];
    switch (req.method().name()) {
      case "POST" -> post(req, installation, new JsonObject(body));
      case "PATCH" -> patch(req, parts[5], new JsonObject(body));
      case "GET" -> list(req, installation);
      default -> req.response().setStatusCode(405).end();
    }
  }

  private void post(HttpServerRequest req, String installation, JsonObject m) {
    Fault f = faults.poll();
    if (f == Fault.FAIL_500) {
      req.response().setStatusCode(500).end(new JsonObject().put("message", "internal error").encode());
      return;
    }
    if (f == Fault.RATE_LIMITED) {
      req.response().setStatusCode(429).putHeader("Retry-After", "2").end();
      return;
    }
    String id = "m" + ids.incrementAndGet();
    JsonObject stored = m.copy().put("metric_id", id).put("installation", installation);
    metrics.put(id, stored);
    JsonObject answer = stored.copy();
    if (f == Fault.FAIL_500_AFTER_STORE) {
      req.response().setStatusCode(500).end();
    } else if (f == Fault.SLOW_AFTER_STORE) {
      vertx.setTimer(slowMillis, t -> req.response().setStatusCode(201).end(answer.encode()));
    } else if (f == Fault.CLOSE_AFTER_STORE) {
      req.connection().close();
    } else {
      req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(answer.encode());
    }
  }

  private void patch(HttpServerRequest req, String id, JsonObject changes) {
    JsonObject m = metrics.get(id);
    if (m == null) {
      req.response().setStatusCode(404).end();
      return;
    }
    if (changes.getValue("value") != null) {
      m.put("value", changes.getValue("value"));
    }
    req.response().setStatusCode(200).end(m.encode());
  }

  private void list(HttpServerRequest req, String installation) {
    int page = Integer.parseInt(req.getParam("page", "1"));
    int size = Integer.parseInt(req.getParam("size", "10"));
    List<JsonObject> mine = metrics.values().stream().filter(m -> installation.equals(m.getString("installation")))
        .toList();
    int pages = (mine.size() + size - 1) / size;
    JsonArray content = new JsonArray();
    mine.stream().skip((long) (page - 1) * size).limit(size).forEach(m -> content.add(m.copy()
        .put("id", m.getString("metric_id"))));
    req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("size_of_page", size)
        .put("number_of_page", page).put("total_elements", mine.size()).put("total_pages", pages)
        .put("content", content).encode());
  }

  private void token(HttpServerRequest req, String body) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT + ":" + SECRET)
        .getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(req.getHeader("Authorization")) || !body.contains("grant_type=client_credentials")) {
      req.response().setStatusCode(401).end(new JsonObject().put("error", "invalid_client").encode());
      return;
    }
    req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("access_token", TOKEN_PREFIX + tokens.incrementAndGet()).put("token_type", "Bearer")
        .put("expires_in", 3600).encode());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
  }
}
