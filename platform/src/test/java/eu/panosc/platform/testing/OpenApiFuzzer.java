package eu.panosc.platform.testing;

import eu.panosc.platform.testing.FuzzInputs.Kind;
import eu.panosc.platform.testing.FuzzInputs.Value;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives every operation of a running service's OpenAPI document ({@code <mount>/openapi.json}) with the hostile
 * inputs of {@link FuzzInputs}: broken and wrongly typed bodies, wrong content types, oversized and deeply
 * nested values, control characters, lone surrogates, out-of-range numbers and dates, hostile path segments,
 * query values and headers, and broken urlencoding on form endpoints. Every answer must be below 500 and free of
 * stack traces ({@link FuzzFindings}); a refused write must leave the same-path GET (and an optional state probe)
 * unchanged; the service must still be ready afterwards. Deterministic: a fixed seed picks which optional inputs
 * fill each operation's budget.
 *
 * <pre>{@code
 * FuzzFindings findings = OpenApiFuzzer.forService("pdp", URI.create(base + "/pdp"))
 *     .headers(op -> Map.of("Authorization", "Bearer " + token))
 *     .example("facility", "esrf")
 *     .run();
 * findings.assertNone();
 * }</pre>
 */
public final class OpenApiFuzzer {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");
  private static final Pattern ISO_DATE = Pattern.compile("^[+-]?\\d{4,}-\\d\\d-\\d\\dT.*");
  private static final String MARKER = "__FUZZ_VALUE__";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";
  /** Bodies above this many bytes are sent on a client of their own ({@link #sendOversized}). */
  private static final int OVERSIZED = 64 * 1024;

  /** One parameter of an operation: {@code in} is path, query or header. */
  public record Param(String name, String in, JsonObject schema, boolean required) {}

  /**
   * One operation: {@code path} is the template with enum-valued path parameters filled in (each value is an
   * operation of its own), {@code template} the documented one.
   */
  public record Operation(String method, String template, String path, List<Param> params, String contentType,
      JsonObject bodySchema, boolean firstExpansion) {
    public String name() {
      return method + " " + path;
    }
  }

  private record Case(String input, String pathAndQuery, Map<String, String> headers, byte[] body,
      String contentType, boolean essential) {}

  private final String service;
  private final String mount;
  private final Function<Operation, Map<String, String>> headers;
  private final Map<String, Object> examples;
  private final Map<String, String> baselines;
  private final Map<String, List<String>> formEndpoints;
  private final Set<String> skipped;
  private final Supplier<String> stateProbe;
  private final int maxCases;
  private final long seed;
  private final Duration timeout;
  private final Duration budget;
  private final Duration slow;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  private JsonObject document;

  private OpenApiFuzzer(Builder b) {
    this.service = b.service;
    this.mount = b.mount.toString().replaceAll("/+$", "");
    this.headers = b.headers;
    this.examples = Map.copyOf(b.examples);
    this.baselines = Map.copyOf(b.baselines);
    this.formEndpoints = Map.copyOf(b.formEndpoints);
    this.skipped = Set.copyOf(b.skipped);
    this.stateProbe = b.stateProbe;
    this.maxCases = b.maxCases;
    this.seed = b.seed;
    this.timeout = b.timeout;
    this.budget = b.budget;
    this.slow = b.slow;
  }

  /** A fuzzer for the service mounted at {@code mount} (e.g. {@code http://127.0.0.1:1234/pdp}). */
  public static Builder forService(String service, URI mount) {
    return new Builder(service, mount);
  }

  /** Configures one run; everything but the mount is optional. */
  public static final class Builder {
    private final String service;
    private final URI mount;
    private Function<Operation, Map<String, String>> headers = op -> Map.of();
    private final Map<String, Object> examples = new HashMap<>();
    private final Map<String, String> baselines = new HashMap<>();
    private final Map<String, List<String>> formEndpoints = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private Supplier<String> stateProbe;
    private int maxCases = 120;
    private long seed = 20261126L;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration budget = Duration.ofSeconds(Long.getLong("fuzz.budgetSeconds", 120));
    private Duration slow = Duration.ofSeconds(3);

    private Builder(String service, URI mount) {
      this.service = Objects.requireNonNull(service);
      this.mount = Objects.requireNonNull(mount);
    }

    /** Headers of every request of an operation (a bearer token for its scope, Basic client authentication). */
    public Builder headers(Function<Operation, Map<String, String>> headers) {
      this.headers = Objects.requireNonNull(headers);
      return this;
    }

    /**
     * A valid value for a parameter, body property or form field, by name, or by {@code "<path> <name>"} for one
     * path (path as documented or with enum values filled in). Path values are inserted verbatim (pre-encoded).
     */
    public Builder example(String key, Object value) {
      examples.put(key, value);
      return this;
    }

    /** A valid request body for {@code method path} that the inputs mutate (instead of one made from the schema). */
    public Builder baseline(String method, String path, String body) {
      baselines.put(method.toUpperCase() + " " + path, body);
      return this;
    }

    /** A form endpoint the document names without (or besides) a form body schema, with its field names. */
    public Builder formEndpoint(String method, String path, String... fields) {
      formEndpoints.put(method.toUpperCase() + " " + path, List.of(fields));
      return this;
    }

    /** Leaves an operation out (documented path), e.g. one that ends the session every other request needs. */
    public Builder skip(String method, String template) {
      skipped.add(method.toUpperCase() + " " + template);
      return this;
    }

    /** A snapshot of the service's state (e.g. its collection listings); a refused write must not change it. */
    public Builder stateProbe(Supplier<String> probe) {
      this.stateProbe = probe;
      return this;
    }

    /** At most this many inputs per operation beyond the essential ones (default 120). */
    public Builder maxCasesPerOperation(int max) {
      this.maxCases = max;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How long one request may take before it counts as "no answer" (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * How long the whole run may take (default 120 s, or the system property {@code fuzz.budgetSeconds}); operations not reached by then are reported as one
     * violation, so that a service that slows down under the inputs still ends the test in bounded time.
     */
    public Builder budget(Duration budget) {
      this.budget = budget;
      return this;
    }

    /** An answer slower than this is a violation (default 3 s). */
    public Builder slow(Duration slow) {
      this.slow = slow;
      return this;
    }

    /** Runs the whole document once and returns what was found (printed as well). */
    public FuzzFindings run() {
      return new OpenApiFuzzer(this).run();
    }
  }

  // ---------------------------------------------------------------- the run

  private FuzzFindings run() {
    long started = System.nanoTime();
    FuzzFindings findings = new FuzzFindings(service);
    HttpResponse<byte[]> doc = send(HttpRequest.newBuilder(URI.create(mount + "/openapi.json")).GET(), findings, "GET /openapi.json", "fetch");
    if (doc == null || doc.statusCode() != 200) {
      throw new AssertionError("no OpenAPI document at " + mount + "/openapi.json");
    }
    document = new JsonObject(new String(doc.body(), StandardCharsets.UTF_8));
    List<Operation> operations = operations();
    String[] probe = {stateProbe == null ? null : stateProbe.get()};
    long deadline = started + budget.toNanos();
    for (int i = 0; i < operations.size(); i++) {
      if (System.nanoTime() > deadline) {
        findings.add("(run)", "time budget " + budget.toSeconds() + " s", -1, "run stopped; not fuzzed: "
            + operations.subList(i, operations.size()).stream().map(Operation::name).toList(), "");
        break;
      }
      for (Case c : select(operations.get(i), cases(operations.get(i)))) {
        execute(operations.get(i), c, findings, probe);
      }
    }
    HttpResponse<byte[]> ready = send(HttpRequest.newBuilder(URI.create(mount + "/health/ready")).GET(), findings,
        "GET /health/ready", "after the run");
    if (ready == null || ready.statusCode() != 200) {
      findings.add("GET /health/ready", "after the run", ready == null ? -1 : ready.statusCode(),
          "service not ready after the run", ready == null ? "" : new String(ready.body(), StandardCharsets.UTF_8));
    }
    System.out.printf("fuzz %s: %d operations, %d requests, %d violations in %d s%n", service, operations.size(),
        findings.requestCount(), findings.violations().size(), (System.nanoTime() - started) / 1_000_000_000L);
    System.out.println(findings.report());
    return findings;
  }

  private void execute(Operation op, Case c, FuzzFindings findings, String[] probe) {
    boolean write = !op.method().equals("GET");
    String sameGet = write && hasGet(op.template()) ? c.pathAndQuery().replaceFirst("\\?.*", "") : null;
    String before = sameGet == null ? null : observe(op, sameGet);
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(mount + c.pathAndQuery())).timeout(timeout)
          .method(op.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(c.body()));
      c.headers().forEach((k, v) -> {
        if (v != null && !(k.equalsIgnoreCase("Content-Type") && v.isEmpty())) {
          request.header(k, v);
        }
      });
    } catch (IllegalArgumentException e) {
      return; // a URI or header the HTTP client cannot express: not sendable, so not a finding
    }
    boolean oversized = c.body() != null && c.body().length > OVERSIZED;
    long sentAt = System.nanoTime();
    HttpResponse<byte[]> response = oversized ? sendOversized(request, findings, op.name(), c.input())
        : send(request, findings, op.name(), c.input());
    if (response == null) {
      return;
    }
    long millis = (System.nanoTime() - sentAt) / 1_000_000;
    if (millis > slow.toMillis()) {
      findings.add(op.name(), c.input(), response.statusCode(), "slow: answered after " + millis + " ms", "");
    }
    String body = new String(response.body(), StandardCharsets.UTF_8);
    findings.response(op.name(), c.input(), response.statusCode(), body, sent(c));
    boolean refused = response.statusCode() >= 400;
    if (sameGet != null) {
      String after = observe(op, sameGet);
      if (refused && !after.equals(before)) {
        findings.add(op.name(), c.input(), response.statusCode(), "refused, but GET " + sameGet + " changed: "
            + FuzzFindings.excerpt(before) + " -> " + FuzzFindings.excerpt(after), body);
      }
    }
    if (write && stateProbe != null) {
      String after = stateProbe.get();
      if (refused && !after.equals(probe[0])) {
        findings.add(op.name(), c.input(), response.statusCode(), "refused, but the state probe changed", body);
      }
      probe[0] = after;
    }
  }

  /**
   * Sends an over-limit body on a client of its own, then one more request on that client: a server that answers
   * without reading the body must close the connection, or the next request on it hangs (and a shared client
   * would carry that hang into an unrelated input).
   */
  private HttpResponse<byte[]> sendOversized(HttpRequest.Builder request, FuzzFindings findings, String op,
      String input) {
    try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build()) {
      HttpResponse<byte[]> response;
      try {
        response = own.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        findings.noAnswer(op, input, e);
        return null;
      }
      try {
        own.send(HttpRequest.newBuilder(URI.create(mount + "/health/live")).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        findings.add(op, input, response.statusCode(), "connection left unusable after an over-limit body (the next "
            + "request on it: " + e.getClass().getSimpleName() + ")", "");
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the case sent (URL and body), so that an echo of the input is not taken for a leak. */
  private static String sent(Case c) {
    return c.pathAndQuery() + " " + (c.body() == null ? "" : new String(c.body(), StandardCharsets.UTF_8));
  }

  /** What a GET of {@code path} shows: its status, and its body when 200. */
  private String observe(Operation op, String path) {
    HttpRequest.Builder get;
    try {
      get = HttpRequest.newBuilder(URI.create(mount + path)).timeout(timeout).GET();
      headers.apply(new Operation("GET", op.template(), op.path(), List.of(), null, null, false))
          .forEach(get::header);
    } catch (IllegalArgumentException e) {
      return "";
    }
    for (int attempt = 0; ; attempt++) {
      try {
        HttpResponse<String> r = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + (r.statusCode() == 200 ? " " + r.body() : "");
      } catch (IOException e) {
        if (attempt > 0) {
          return "no answer";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, FuzzFindings findings, String op, String input) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      findings.noAnswer(op, input, e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- operations from the document

  List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    document.getJsonObject("paths", new JsonObject()).forEach(p -> {
      JsonObject item = (JsonObject) p.getValue();
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        String key = method.toUpperCase() + " " + p.getKey();
        seen.add(key);
        if (skipped.contains(key)) {
          continue;
        }
        JsonObject operation = resolve(item.getJsonObject(method));
        Map<String, Param> params = new LinkedHashMap<>();
        for (Object raw : concat(item.getJsonArray("parameters"), operation.getJsonArray("parameters"))) {
          JsonObject param = resolve((JsonObject) raw);
          params.put(param.getString("in") + ":" + param.getString("name"), new Param(param.getString("name"),
              param.getString("in"), resolve(param.getJsonObject("schema", new JsonObject())),
              param.getBoolean("required", false)));
        }
        String contentType = null;
        JsonObject bodySchema = null;
        JsonObject content = resolve(operation.getJsonObject("requestBody", new JsonObject()))
            .getJsonObject("content", new JsonObject());
        if (!content.isEmpty()) {
          contentType = content.containsKey(JSON) ? JSON : content.fieldNames().iterator().next();
          bodySchema = resolve(content.getJsonObject(contentType).getJsonObject("schema", new JsonObject()));
        }
        if (formEndpoints.containsKey(key)) {
          contentType = FORM;
          bodySchema = formSchema(formEndpoints.get(key));
        }
        ops.addAll(expand(method.toUpperCase(), p.getKey(), List.copyOf(params.values()), contentType, bodySchema));
      }
    });
    formEndpoints.forEach((key, fields) -> {
      if (!seen.contains(key)) {
        String[] mp = key.split(" ", 2);
        ops.add(new Operation(mp[0], mp[1], mp[1], List.of(), FORM, formSchema(fields), true));
      }
    });
    return ops;
  }

  /** One operation per value of each enum-valued path parameter (e.g. the registry's collections). */
  private List<Operation> expand(String method, String template, List<Param> params, String contentType,
      JsonObject bodySchema) {
    List<String> paths = List.of(template);
    for (Param p : params) {
      JsonArray values = p.in().equals("path") ? p.schema().getJsonArray("enum") : null;
      if (values == null) {
        continue;
      }
      List<String> next = new ArrayList<>();
      for (String path : paths) {
        values.forEach(v -> next.add(path.replace("{" + p.name() + "}", String.valueOf(v))));
      }
      paths = next;
    }
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      boolean first = i == 0;
      List<Param> left = params.stream()
          .filter(p -> !p.in().equals("path") || path.contains("{" + p.name() + "}") || first).toList();
      ops.add(new Operation(method, template, path, left, contentType, bodySchema, first));
    }
    return ops;
  }

  private boolean hasGet(String template) {
    JsonObject item = document.getJsonObject("paths").getJsonObject(template);
    return item != null && item.containsKey("get") && !skipped.contains("GET " + template);
  }

  private static JsonObject formSchema(List<String> fields) {
    JsonObject properties = new JsonObject();
    fields.forEach(f -> properties.put(f, new JsonObject().put("type", "string")));
    return new JsonObject().put("type", "object").put("properties", properties)
        .put("required", new JsonArray(new ArrayList<>(fields)));
  }

  private JsonObject resolve(JsonObject schema) {
    JsonObject s = schema;
    for (int hops = 0; s != null && s.containsKey("$ref") && hops < 20; hops++) {
      Object target = document;
      for (String part : s.getString("$ref").replaceFirst("^#/", "").split("/")) {
        target = target instanceof JsonObject o ? o.getValue(part.replace("~1", "/").replace("~0", "~")) : null;
      }
      s = target instanceof JsonObject o ? o : new JsonObject();
    }
    return s;
  }

  private static List<Object> concat(JsonArray a, JsonArray b) {
    List<Object> all = new ArrayList<>();
    if (a != null) {
      a.forEach(all::add);
    }
    if (b != null) {
      b.forEach(all::add);
    }
    return all;
  }

  // ---------------------------------------------------------------- cases of one operation

  private List<Case> select(Operation op, List<Case> all) {
    List<Case> essential = all.stream().filter(Case::essential).toList();
    List<Case> optional = new ArrayList<>(all.stream().filter(c -> !c.essential()).toList());
    Collections.shuffle(optional, new Random(seed ^ op.name().hashCode()));
    List<Case> chosen = new ArrayList<>(essential);
    chosen.addAll(optional.subList(0, Math.min(optional.size(), Math.max(0, maxCases - essential.size()))));
    return chosen;
  }

  private List<Case> cases(Operation op) {
    List<Case> cases = new ArrayList<>();
    Map<String, String> pathValues = new LinkedHashMap<>();
    Map<String, String> query = new LinkedHashMap<>();
    for (Param p : op.params()) {
      if (p.in().equals("path") && op.path().contains("{" + p.name() + "}")) {
        pathValues.put(p.name(), String.valueOf(example(op, p.name(), p.schema())));
      } else if (p.in().equals("query") && p.required()) {
        query.put(p.name(), encode(String.valueOf(example(op, p.name(), p.schema()))));
      }
    }
    Map<String, String> baseHeaders = new LinkedHashMap<>(headers.apply(op));
    String contentType = op.contentType();
    byte[] body = op.contentType() == null ? null : baselineBody(op).getBytes(StandardCharsets.UTF_8);
    String basePath = fill(op.path(), pathValues);
    String baseUrl = basePath + queryString(query);

    // the valid request first (writes create what later inputs refer to); DELETE only ever gets hostile inputs
    if (!op.method().equals("DELETE")) {
      cases.add(new Case("baseline (valid)", baseUrl, withContentType(baseHeaders, contentType), body, contentType,
          true));
    }
    // authorization
    if (baseHeaders.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Authorization"))) {
      for (Value v : FuzzInputs.authorizations()) {
        Map<String, String> h = withContentType(baseHeaders, contentType);
        h.keySet().removeIf(k -> k.equalsIgnoreCase("Authorization"));
        if (!v.text().isEmpty()) {
          h.put("Authorization", v.text());
        }
        cases.add(new Case("Authorization: " + v.label(), baseUrl, h, body, contentType, v.essential()));
      }
    }
    // path parameters
    for (Param p : op.params()) {
      if (!p.in().equals("path")) {
        continue;
      }
      String templatePath = op.path().contains("{" + p.name() + "}") ? op.path() : op.template();
      for (Value v : FuzzInputs.pathSegments()) {
        Map<String, String> values = new LinkedHashMap<>(pathValues);
        values.put(p.name(), v.text());
        String path = fill(templatePath, values);
        if (path.contains("{")) {
          path = fill(path, Map.of()); // other enum params: their first value
        }
        cases.add(new Case("path " + p.name() + " = " + v.label(), path + queryString(query),
            withContentType(baseHeaders, contentType), body, contentType, v.essential()));
      }
    }
    // query parameters
    boolean first = true;
    for (Param p : op.params()) {
      if (!p.in().equals("query")) {
        continue;
      }
      JsonObject s = p.schema();
      String type = s.getValue("type") instanceof String t ? t : s.getJsonObject("items", new JsonObject()).getString("type", "string");
      for (Value v : FuzzInputs.queryValues(type, s.getString("format"))) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put(p.name(), v.text());
        cases.add(new Case("query " + p.name() + " = " + v.label(), basePath + queryString(q),
            withContentType(baseHeaders, contentType), body, contentType, v.essential()));
      }
      String sample = encode(String.valueOf(example(op, p.name(), s)));
      cases.add(new Case("query " + p.name() + " repeated", baseUrl + (query.isEmpty() ? "?" : "&") + p.name() + "="
          + sample + "&" + p.name() + "=" + sample, withContentType(baseHeaders, contentType), body, contentType, false));
      if (first) {
        cases.add(new Case("query: unknown parameter", baseUrl + (query.isEmpty() ? "?" : "&") + "fuzzUnknown=1",
            withContentType(baseHeaders, contentType), body, contentType, false));
        first = false;
      }
    }
    // header parameters
    for (Param p : op.params()) {
      if (!p.in().equals("header")) {
        continue;
      }
      for (Value v : FuzzInputs.headerValues()) {
        Map<String, String> h = withContentType(baseHeaders, contentType);
        h.put(p.name(), v.text());
        cases.add(new Case("header " + p.name() + " = " + v.label(), baseUrl, h, body, contentType, v.essential()));
      }
    }
    // bodies
    if (contentType == null) {
      if (op.method().equals("POST") || op.method().equals("PUT")) {
        String big = "{\"fuzz\":\"" + "x".repeat(FuzzInputs.MEGABYTE) + "\"}";
        cases.add(new Case("unexpected 1 MB JSON body", baseUrl, withContentType(baseHeaders, JSON),
            big.getBytes(StandardCharsets.UTF_8), JSON, false));
        cases.add(new Case("unexpected malformed JSON body", baseUrl, withContentType(baseHeaders, JSON),
            "{".getBytes(StandardCharsets.UTF_8), JSON, false));
      }
      return cases;
    }
    String baseline = new String(body, StandardCharsets.UTF_8);
    List<Value> whole;
    if (contentType.contains("json") && !contentType.contains("ndjson")) {
      whole = FuzzInputs.jsonBodies(baseline);
    } else if (contentType.equals(FORM)) {
      whole = FuzzInputs.formBodies(baseline);
    } else if (contentType.contains("ndjson")) {
      whole = FuzzInputs.ndjsonBodies(baseline);
    } else if (contentType.contains("yaml")) {
      whole = FuzzInputs.yamlBodies(baseline);
    } else {
      whole = List.of();
    }
    for (Value v : whole) {
      cases.add(new Case("body: " + v.label(), baseUrl, withContentType(baseHeaders, contentType), v.bytes(),
          contentType, v.essential()));
    }
    for (Value v : FuzzInputs.wrongContentTypes(contentType)) {
      cases.add(new Case("body with " + v.label(), baseUrl, withContentType(baseHeaders, v.text()), body, v.text(),
          v.essential()));
    }
    if (contentType.equals(FORM)) {
      formFieldCases(op, baseline, baseUrl, withContentType(baseHeaders, contentType), cases);
    } else if (contentType.contains("ndjson")) {
      String firstLine = baseline.lines().findFirst().orElse("");
      if (firstLine.startsWith("{")) {
        jsonFieldCases(new JsonObject(firstLine), op.bodySchema(), "line 1.", baseUrl,
            withContentType(baseHeaders, contentType), contentType, "\n", cases);
      }
    } else if (contentType.contains("json")) {
      Object root = Json.decodeValue(baseline);
      jsonFieldCases(root, op.bodySchema(), "body.", baseUrl, withContentType(baseHeaders, contentType), contentType,
          "", cases);
    }
    return cases;
  }

  private void formFieldCases(Operation op, String baseline, String url, Map<String, String> h, List<Case> cases) {
    String[] pairs = baseline.split("&");
    for (int i = 0; i < pairs.length; i++) {
      String name = pairs[i].split("=", 2)[0];
      if (name.isEmpty()) {
        continue;
      }
      for (Value v : FuzzInputs.formValues()) {
        String[] copy = pairs.clone();
        copy[i] = name + "=" + v.text();
        cases.add(new Case("form " + name + " = " + v.label(), url, h,
            String.join("&", copy).getBytes(StandardCharsets.UTF_8), FORM, v.essential()));
      }
    }
  }

  /** Replaces each value of the baseline JSON tree in turn (and removes each object member). */
  private void jsonFieldCases(Object root, JsonObject rootSchema, String prefix, String url, Map<String, String> h,
      String contentType, String suffix, List<Case> cases) {
    walk(root, rootSchema, new ArrayList<>(), (path, node, schema) -> {
      if (path.isEmpty()) {
        return;
      }
      String where = prefix + pathName(path);
      for (Value v : FuzzInputs.jsonValues(kind(node, schema), schema.getInteger("maxLength", -1))) {
        cases.add(new Case(where + " = " + v.label(), url, h, render(root, path, v.bytes(), suffix), contentType,
            v.essential()));
      }
      if (path.get(path.size() - 1) instanceof String) {
        cases.add(new Case(where + " removed", url, h, render(root, path, null, suffix), contentType, true));
      }
    });
  }

  private interface Visitor {
    void visit(List<Object> path, Object node, JsonObject schema);
  }

  private void walk(Object node, JsonObject schema, List<Object> path, Visitor visitor) {
    JsonObject s = resolve(schema == null ? new JsonObject() : schema);
    if (s.getJsonArray("oneOf") != null && !s.getJsonArray("oneOf").isEmpty()) {
      s = resolve(s.getJsonArray("oneOf").getJsonObject(0));
    }
    visitor.visit(path, node, s);
    if (path.size() > 6) {
      return;
    }
    if (node instanceof JsonObject o) {
      JsonObject properties = s.getJsonObject("properties", new JsonObject());
      for (String key : o.fieldNames()) {
        List<Object> child = new ArrayList<>(path);
        child.add(key);
        walk(o.getValue(key), properties.getJsonObject(key), child, visitor);
      }
    } else if (node instanceof JsonArray a && !a.isEmpty()) {
      List<Object> child = new ArrayList<>(path);
      child.add(0);
      walk(a.getValue(0), s.getJsonObject("items"), child, visitor);
    }
  }

  private static Kind kind(Object node, JsonObject schema) {
    if (node instanceof String s) {
      return "date-time".equals(schema.getString("format")) || ISO_DATE.matcher(s).matches() ? Kind.DATE_TIME : Kind.STRING;
    }
    if (node instanceof Integer || node instanceof Long || node instanceof java.math.BigInteger) {
      return Kind.INTEGER;
    }
    if (node instanceof Number) {
      return Kind.NUMBER;
    }
    if (node instanceof Boolean) {
      return Kind.BOOLEAN;
    }
    if (node instanceof JsonArray) {
      return Kind.ARRAY;
    }
    return Kind.OBJECT;
  }

  /** The baseline with the value at {@code path} replaced by raw bytes (or removed when {@code raw} is null). */
  private static byte[] render(Object root, List<Object> path, byte[] raw, String suffix) {
    Object copy = root instanceof JsonObject o ? o.copy() : ((JsonArray) root).copy();
    Object parent = copy;
    for (int i = 0; i < path.size() - 1; i++) {
      parent = parent instanceof JsonObject o ? o.getValue((String) path.get(i)) : ((JsonArray) parent).getValue((Integer) path.get(i));
    }
    Object last = path.get(path.size() - 1);
    if (raw == null) {
      ((JsonObject) parent).remove((String) last);
      return (Json.encode(copy) + suffix).getBytes(StandardCharsets.UTF_8);
    }
    if (parent instanceof JsonObject o) {
      o.put((String) last, MARKER);
    } else {
      ((JsonArray) parent).set((Integer) last, MARKER);
    }
    String text = Json.encode(copy);
    int at = text.indexOf("\"" + MARKER + "\"");
    return FuzzInputs.concat(text.substring(0, at), raw, text.substring(at + MARKER.length() + 2) + suffix);
  }

  private static String pathName(List<Object> path) {
    StringBuilder b = new StringBuilder();
    for (Object p : path) {
      if (p instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(p);
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- baselines

  private String baselineBody(Operation op) {
    String own = baselines.getOrDefault(op.method() + " " + op.path(), baselines.get(op.method() + " " + op.template()));
    if (own != null) {
      return own;
    }
    if (FORM.equals(op.contentType())) {
      JsonObject schema = op.bodySchema();
      JsonArray required = schema.getJsonArray("required", new JsonArray());
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      boolean all = properties.fieldNames().stream().noneMatch(f -> required.contains(f) || hasExample(op, f));
      List<String> pairs = new ArrayList<>();
      properties.forEach(e -> {
        if (all || required.contains(e.getKey()) || hasExample(op, e.getKey())) {
          pairs.add(e.getKey() + "=" + encode(String.valueOf(example(op, e.getKey(), (JsonObject) e.getValue()))));
        }
      });
      return String.join("&", pairs);
    }
    Object sample = sample(op, op.bodySchema(), null, 0);
    return sample == null ? "{}" : Json.encode(sample);
  }

  private boolean hasExample(Operation op, String name) {
    return examples.containsKey(op.path() + " " + name) || examples.containsKey(op.template() + " " + name)
        || examples.containsKey(name);
  }

  private Object example(Operation op, String name, JsonObject schema) {
    for (String key : List.of(op.path() + " " + name, op.template() + " " + name, name)) {
      if (examples.containsKey(key)) {
        return examples.get(key);
      }
    }
    Object sample = sample(op, schema, null, 0);
    return sample == null ? "fuzz-" + name : sample;
  }

  /** A valid-looking value of {@code schema}: examples first, then enum, default, then by type and format. */
  private Object sample(Operation op, JsonObject raw, String name, int depth) {
    if (name != null && hasExample(op, name)) {
      return example(op, name, raw);
    }
    JsonObject s = resolve(raw == null ? new JsonObject() : raw);
    for (String alternatives : List.of("oneOf", "anyOf")) {
      if (s.getJsonArray(alternatives) != null && !s.getJsonArray(alternatives).isEmpty()) {
        return sample(op, s.getJsonArray(alternatives).getJsonObject(0), name, depth);
      }
    }
    if (s.getJsonArray("examples") != null && !s.getJsonArray("examples").isEmpty()) {
      return s.getJsonArray("examples").getValue(0);
    }
    if (s.getJsonArray("enum") != null && !s.getJsonArray("enum").isEmpty()) {
      return s.getJsonArray("enum").getValue(0);
    }
    if (s.containsKey("default")) {
      return s.getValue("default");
    }
    Object t = s.getValue("type");
    String type = t instanceof JsonArray types ? types.stream().map(String::valueOf).filter(x -> !x.equals("null"))
        .findFirst().orElse(null) : (String) t;
    if (type == null && s.containsKey("properties")) {
      type = "object";
    }
    if (type == null || depth > 6) {
      return null;
    }
    switch (type) {
      case "object" -> {
        JsonObject o = new JsonObject();
        s.getJsonObject("properties", new JsonObject()).forEach(e -> {
          Object v = sample(op, (JsonObject) e.getValue(), e.getKey(), depth + 1);
          if (v != null) {
            o.put(e.getKey(), v);
          }
        });
        return o;
      }
      case "array" -> {
        Object item = sample(op, s.getJsonObject("items"), name, depth + 1);
        return item == null ? new JsonArray() : new JsonArray().add(item);
      }
      case "string" -> {
        String format = s.getString("format", "");
        return switch (format) {
          case "date-time" -> "2026-11-26T12:00:00Z";
          case "uri" -> "https://fuzz.example/" + (name == null ? "x" : name);
          case "uuid" -> "01890a5d-ac96-774b-bcce-b302099a8057";
          default -> "fuzz-" + (name == null ? "value" : name);
        };
      }
      case "integer" -> {
        return s.getInteger("minimum", 1);
      }
      case "number" -> {
        return 1.5;
      }
      case "boolean" -> {
        return false;
      }
      default -> {
        return null;
      }
    }
  }

  // ---------------------------------------------------------------- URL helpers

  private static String fill(String template, Map<String, String> values) {
    Matcher m = TEMPLATE_PARAM.matcher(template);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "fuzz-" + m.group(1))));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    query.forEach((k, v) -> pairs.add(k + "=" + v));
    return "?" + String.join("&", pairs);
  }

  private static Map<String, String> withContentType(Map<String, String> base, String contentType) {
    Map<String, String> h = new LinkedHashMap<>(base);
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    return h;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
