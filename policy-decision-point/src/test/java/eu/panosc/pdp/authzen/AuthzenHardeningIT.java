package eu.panosc.pdp.authzen;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AuthZEN routes against hostile callers (issue #9 items 4, 7, 8, 10): the PDP's own clock, the
 * input rule on every field of every route, sealed request-bound page tokens (shared by a second
 * replica on the same database), root metadata, media type and the spec's error bodies.
 */
class AuthzenHardeningIT {
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  static final String RELEASE = "2028-03-14T08:00:00Z";
  static final String FUTURE = "2030-01-01T00:00:00Z";
  static final String OUTSIDER = "dave@demo.panosc.eu";
  static final String MEMBER = "alice@demo.panosc.eu";
  static final List<String> ROUTES = List.of("/access/v1/evaluation", "/access/v1/evaluations",
      "/access/v1/search/subject", "/access/v1/search/resource", "/access/v1/search/action");
  @TempDir
  static Path dirA;
  @TempDir
  static Path dirB;
  static LocalIssuer issuer;
  static Platform a;
  static Platform b;
  static PdpPlatform.Client pep;
  static PdpPlatform.Client simulator;
  static PdpPlatform.Client admin;
  static PdpPlatform.Client pepB;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    a = PdpPlatform.start(dirA, issuer, true, Map.of("services.pdp.decisionLog.maskSubjects", "none"));
    String url = "postgresql://postgres@127.0.0.1:" + a.database().target().port() + "/postgres";
    b = PdpPlatform.start(dirB, issuer, false, Map.of("database.url", url));
    pep = PdpPlatform.Client.of(a, issuer, "pdp:evaluate");
    simulator = PdpPlatform.Client.of(a, issuer, "pdp:evaluate", "pdp:simulate");
    admin = PdpPlatform.Client.of(a, issuer, "pdp:admin");
    pepB = PdpPlatform.Client.of(b, issuer, "pdp:evaluate");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Platform p : new Platform[] {b, a}) {
      if (p != null) {
        p.stop().get(60, TimeUnit.SECONDS);
      }
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static JsonObject eval(String user, String action, String pid, String time) {
    JsonObject o = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid));
    return time == null ? o : o.put("context", new JsonObject().put("time", time));
  }

  static boolean decision(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getBoolean("decision");
  }

  /** A request each route answers 200 to, so that each malformation below is the only fault. */
  static JsonObject valid(String route) {
    return switch (route) {
      case "/access/v1/evaluation", "/access/v1/evaluations" -> eval(MEMBER, "read", EMBARGOED, null);
      case "/access/v1/search/subject" -> eval(MEMBER, "read", EMBARGOED, null)
          .put("subject", new JsonObject().put("type", "user"));
      case "/access/v1/search/resource" -> eval(MEMBER, "read", EMBARGOED, null)
          .put("resource", new JsonObject().put("type", "dataset"));
      default -> {
        JsonObject o = eval(MEMBER, "read", EMBARGOED, null);
        o.remove("action");
        yield o;
      }
    };
  }

  // --- item 4: the PDP's clock --------------------------------------------------------------------

  @Test
  void evaluationWhenFutureContextTimeWithPlainEvaluateScopeThenDenyAtPdpClock() {
    assertThat(decision(pep.post("/access/v1/evaluation", eval(OUTSIDER, "read", EMBARGOED, FUTURE).encode())))
        .as("embargoed data, caller's time after the release, no pdp:simulate").isFalse();
    assertThat(decision(pep.post("/access/v1/evaluation", eval(OUTSIDER, "read", EMBARGOED, null).encode())))
        .isFalse();
    JsonObject many = eval(OUTSIDER, "read", EMBARGOED, FUTURE).put("evaluations", new JsonArray()
        .add(new JsonObject()).add(new JsonObject().put("context", new JsonObject().put("time", RELEASE))));
    HttpResponse<String> r = pep.post("/access/v1/evaluations", many.encode());
    assertThat(r.statusCode()).isEqualTo(200);
    new JsonObject(r.body()).getJsonArray("evaluations")
        .forEach(e -> assertThat(((JsonObject) e).getBoolean("decision")).isFalse());
  }

  @Test
  void evaluationWhenFutureContextTimeWithSimulateScopeThenDecidedAtThatTimeAndLoggedSimulated() {
    String rid = "sim-" + UUID.randomUUID();
    HttpResponse<String> r = Http.send(Http.authorized(simulator.base() + "/access/v1/evaluation", simulator.token())
        .header("Content-Type", "application/json").header("X-Request-ID", rid)
        .POST(HttpRequest.BodyPublishers.ofString(eval(OUTSIDER, "read", EMBARGOED, FUTURE).encode())).build());
    assertThat(decision(r)).isTrue();
    String simulatedId = new JsonObject(r.body()).getJsonObject("context").getString("id");
    HttpResponse<String> plain = pep.post("/access/v1/evaluation", eval(OUTSIDER, "read", EMBARGOED, FUTURE).encode());
    String plainId = new JsonObject(plain.body()).getJsonObject("context").getString("id");

    JsonObject sim = logged(simulatedId);
    assertThat(sim.getBoolean("simulated")).isTrue();
    assertThat(sim.getBoolean("decision")).isTrue();
    assertThat(sim.getJsonObject("request").getJsonObject("context").getString("time")).isEqualTo(FUTURE);
    JsonObject real = logged(plainId);
    assertThat(real.getBoolean("simulated")).isFalse();
    assertThat(real.getBoolean("decision")).isFalse();
    assertThat(real.getJsonObject("request").containsKey("context")).as("the ignored time is not logged").isFalse();

    JsonArray onlySimulated = new JsonObject(admin.get("/v1/decisions?simulated=true&resource="
        + URLEncoder.encode(EMBARGOED, StandardCharsets.UTF_8)).body()).getJsonArray("items");
    assertThat(onlySimulated.stream().map(o -> ((JsonObject) o).getString("id"))).contains(simulatedId)
        .doesNotContain(plainId);
    assertThat(admin.get("/v1/decisions?simulated=maybe").statusCode()).isEqualTo(400);
  }

  @Test
  void searchAndFilterWhenFutureContextTimeWithoutSimulateThenPdpClock() {
    JsonObject search = eval(OUTSIDER, "read", EMBARGOED, FUTURE).put("resource", new JsonObject().put("type", "dataset"))
        .put("page", new JsonObject().put("limit", 1000));
    assertThat(allResources(pep, search)).doesNotContain(EMBARGOED);
    assertThat(allResources(simulator, search)).contains(EMBARGOED);

    JsonObject filter = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", OUTSIDER))
        .put("action", new JsonObject().put("name", "read")).put("context", new JsonObject().put("time", FUTURE));
    Instant before = Instant.now().minusSeconds(5);
    Instant plainTime = Instant.parse(new JsonObject(pep.post("/v1/filters/datasets", filter.encode()).body())
        .getString("time"));
    assertThat(plainTime).isBetween(before, Instant.now().plusSeconds(5));
    assertThat(new JsonObject(simulator.post("/v1/filters/datasets", filter.encode()).body()).getString("time"))
        .isEqualTo(FUTURE);
  }

  static List<String> allResources(PdpPlatform.Client client, JsonObject request) {
    List<String> out = new ArrayList<>();
    String token = "";
    for (int pages = 0; pages < 100; pages++) {
      JsonObject page = request.getJsonObject("page").copy().put("token", token);
      HttpResponse<String> r = client.post("/access/v1/search/resource", request.copy().put("page", page).encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      body.getJsonArray("results").forEach(x -> out.add(((JsonObject) x).getString("id")));
      token = body.getJsonObject("page").getString("next_token");
      if (token.isEmpty()) {
        return out;
      }
    }
    throw new AssertionError("no end after 100 pages");
  }

  static JsonObject logged(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> r = admin.get("/v1/decisions/" + id);
    while (r.statusCode() != 200 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      r = admin.get("/v1/decisions/" + id);
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  // --- items 7 and the class: malformed input on every route ----------------------------------------

  /** Applies a malformation to a valid request body of a route; returns the body text to send. */
  interface Malformation {
    String apply(JsonObject valid);
  }

  static JsonObject with(JsonObject o, String path, Object value) {
    String[] keys = path.split("\\.");
    JsonObject c = o.copy();
    JsonObject at = c;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonObject next = at.getValue(keys[i]) instanceof JsonObject j ? j : new JsonObject();
      at.put(keys[i], next);
      at = next;
    }
    at.put(keys[keys.length - 1], value);
    return c;
  }

  static Stream<Arguments> malformed() {
    String big = "x".repeat(513);
    Map<String, Malformation> cases = new java.util.LinkedHashMap<>();
    cases.put("not JSON", o -> "{\"subject\":");
    cases.put("a JSON array", o -> "[" + o.encode() + "]");
    cases.put("a JSON string", o -> "\"hello\"");
    cases.put("empty body", o -> "");
    cases.put("10 000 nested arrays", o -> {
      String e = with(o, "subject.properties.deep", "X").encode();
      return e.replace("\"X\"", "[".repeat(10_000) + "]".repeat(10_000));
    });
    cases.put("200 nested objects", o -> {
      String e = with(o, "context.deep", "X").encode();
      return e.replace("\"X\"", "{\"a\":".repeat(200) + "1" + "}".repeat(200));
    });
    cases.put("NUL in subject.type", o -> with(o, "subject.type", "us\u0000er").encode());
    cases.put("NUL in subject.id", o -> with(o, "subject.id", "a\u0000b").encode());
    cases.put("ESC in resource.type", o -> with(o, "resource.type", "data\u001bset").encode());
    cases.put("NUL in resource.id", o -> with(o, "resource.id", "10.1/\u0000").encode());
    cases.put("NUL in action.name", o -> with(o, "action.name", "re\u0000ad").encode());
    cases.put("C1 control in a subject property", o -> with(o, "subject.properties.dept", "a\u0085").encode());
    cases.put("NUL in a resource property name", o -> with(o, "resource.properties", new JsonObject()
        .put("k\u0000", 1)).encode());
    cases.put("NUL in an action property", o -> with(o, "action.properties.m", "GET\u0000").encode());
    cases.put("NUL in context", o -> with(o, "context.ip", "\u0000").encode());
    cases.put("lone surrogate", o -> with(o, "subject.properties.s", "SURR").encode().replace("SURR", "\\udc00"));
    cases.put("invalid UTF-8 bytes", o -> null); // resource.type "\xC3(" sent as raw bytes
    cases.put("evaluations item with NUL", o -> with(o, "evaluations", new JsonArray().add(new JsonObject()
        .put("resource", new JsonObject().put("type", "dataset").put("id", "10.1/\u0000")))).encode());
    cases.put("evaluations item nested too deep", o -> with(o, "evaluations", new JsonArray().add(new JsonObject()
        .put("context", new JsonObject().put("d", "X")))).encode()
        .replace("\"X\"", "[".repeat(40) + "]".repeat(40)));
    cases.put("oversized subject.id", o -> with(o, "subject.id", big).encode());
    cases.put("oversized resource.id", o -> with(o, "resource.id", big).encode());
    cases.put("oversized subject.type", o -> with(o, "subject.type", big).encode());
    cases.put("oversized action.name", o -> with(o, "action.name", big).encode());
    cases.put("oversized property", o -> with(o, "resource.properties.p", "p".repeat(9000)).encode());
    cases.put("number beyond double", o -> with(o, "subject.properties.n", "NUM").encode()
        .replace("\"NUM\"", "1e999"));
    cases.put("subject a string", o -> with(o, "subject", "alice").encode());
    cases.put("resource an array", o -> with(o, "resource", new JsonArray()).encode());
    cases.put("action.name a number", o -> with(o, "action.name", 7).encode());
    cases.put("subject.type an object", o -> with(o, "subject.type", new JsonObject()).encode());
    cases.put("properties an array", o -> with(o, "subject.properties", new JsonArray()).encode());
    cases.put("context a number", o -> with(o, "context", 1).encode());
    cases.put("context.time +999999999", o -> with(o, "context.time", "+999999999-01-01T00:00:00Z").encode());
    cases.put("context.time -999999999", o -> with(o, "context.time", "-999999999-01-01T00:00:00Z").encode());
    cases.put("context.time 999999999 (number)", o -> with(o, "context.time", 999999999).encode());
    cases.put("context.time -999999999 (number)", o -> with(o, "context.time", -999999999).encode());
    cases.put("context.time year 10000", o -> with(o, "context.time", "+10000-01-01T00:00:00Z").encode());
    cases.put("context.time not a date", o -> with(o, "context.time", "tomorrow").encode());
    cases.put("evaluations an object", o -> with(o, "evaluations", new JsonObject()).encode());
    cases.put("page a string", o -> with(o, "page", "1").encode());
    cases.put("page.limit -1", o -> with(o, "page.limit", -1).encode());
    cases.put("page.limit huge", o -> with(o, "page.limit", 1e18).encode());
    cases.put("page.limit a string", o -> with(o, "page.limit", "10").encode());
    cases.put("page.limit fractional", o -> with(o, "page.limit", 2.5).encode());
    cases.put("page.token forged", o -> with(o, "page.token", "YTotNQ").encode());
    cases.put("page.token a number", o -> with(o, "page.token", 5).encode());
    cases.put("page.token with NUL", o -> with(o, "page.token", "a\u0000").encode());
    cases.put("page.token oversized", o -> with(o, "page.token", "A".repeat(5000)).encode());
    List<Arguments> out = new ArrayList<>();
    for (String route : ROUTES) {
      boolean search = route.contains("/search/");
      cases.forEach((name, m) -> {
        if (!search && name.startsWith("page")) {
          return; // not a field of the evaluation routes (ignored there, as unknown fields must be)
        }
        if (!route.endsWith("/evaluations") && name.startsWith("evaluations")) {
          return;
        }
        String searched = search ? route.substring(route.lastIndexOf('/') + 1) : "";
        if (name.equals("oversized " + searched + ".id") || searched.equals("action") && name.contains("action.name")
            && !name.contains("NUL")) {
          return; // the searched entity's id (or name) is ignored (AuthZEN 1.0 §Search); only its characters count
        }
        out.add(Arguments.of(route, name, m));
      });
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformed")
  void routeWhenMalformedThen400MessageStringAndStillDeciding(String route, String name, Malformation m) {
    for (PdpPlatform.Client client : List.of(pep, simulator)) {
      String body = m.apply(valid(route));
      HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.ofByteArray(
          invalidUtf8(with(valid(route), "resource.type", "MARK").encode()))
          : HttpRequest.BodyPublishers.ofString(body);
      HttpResponse<String> r = Http.send(Http.authorized(client.base() + route, client.token())
          .header("Content-Type", "application/json").POST(publisher).build());
      assertThat(r.statusCode()).as("%s %s: %s", route, name, r.body()).isEqualTo(400);
      assertErrorString(r);
    }
    assertThat(decision(pep.post("/access/v1/evaluation", eval(MEMBER, "read", EMBARGOED, null).encode()))).isTrue();
    assertThat(decision(pep.post("/access/v1/evaluation", eval(OUTSIDER, "read", EMBARGOED, null).encode())))
        .isFalse();
  }

  /** The body with "MARK" replaced by the invalid UTF-8 sequence C3 28. */
  static byte[] invalidUtf8(String body) {
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    String text = new String(raw, StandardCharsets.ISO_8859_1).replace("MARK", "\u00C3(");
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/subject",
      "/access/v1/search/resource", "/access/v1/search/action"})
  void routeWhenValidThen200(String route) {
    HttpResponse<String> r = pep.post(route, valid(route).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static void assertErrorString(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/json"));
    assertThat(Json.decodeValue(r.body())).as(r.body()).isInstanceOf(String.class);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("eu.panosc")
        .doesNotContain("io.vertx").hasSizeLessThan(2000);
  }

  // --- item 8: page tokens -------------------------------------------------------------------------

  static JsonObject publicSearch(int limit) {
    return eval(OUTSIDER, "read", EMBARGOED, null).put("resource", new JsonObject().put("type", "dataset"))
        .put("page", new JsonObject().put("limit", limit));
  }

  static String nextToken(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonObject("page").getString("next_token");
  }

  @Test
  void searchWhenTokenTamperedOrReusedWithAnotherRequestThen400AndAnotherReplicaAcceptsIt() {
    JsonObject first = publicSearch(1);
    String token = nextToken(pep.post("/access/v1/search/resource", first.encode()));
    assertThat(token).isNotEmpty();
    JsonObject second = first.copy().put("page", new JsonObject().put("limit", 1).put("token", token));
    HttpResponse<String> ok = pep.post("/access/v1/search/resource", second.encode());
    assertThat(ok.statusCode()).isEqualTo(200);
    HttpResponse<String> onB = pepB.post("/access/v1/search/resource", second.encode());
    assertThat(onB.statusCode()).as("replica B accepts replica A's token: %s", onB.body()).isEqualTo(200);
    assertThat(new JsonObject(onB.body()).getJsonArray("results"))
        .isEqualTo(new JsonObject(ok.body()).getJsonArray("results"));

    char last = token.charAt(token.length() - 1);
    String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    List<JsonObject> refused = List.of(
        second.copy().put("page", new JsonObject().put("limit", 1).put("token", tampered)),
        second.copy().put("page", new JsonObject().put("limit", 1).put("token", "YTotNQ")),
        second.copy().put("page", new JsonObject().put("limit", 2).put("token", token)),
        second.copy().put("subject", new JsonObject().put("type", "user").put("id", MEMBER)),
        second.copy().put("action", new JsonObject().put("name", "download")));
    for (JsonObject bad : refused) {
      HttpResponse<String> r = pep.post("/access/v1/search/resource", bad.encode());
      assertThat(r.statusCode()).as(bad.encode()).isEqualTo(400);
      assertErrorString(r);
    }
    HttpResponse<String> otherKind = pep.post("/access/v1/search/subject", eval(MEMBER, "read", EMBARGOED, null)
        .put("subject", new JsonObject().put("type", "user")).put("page", new JsonObject().put("token", token))
        .encode());
    assertThat(otherKind.statusCode()).isEqualTo(400);
    PdpPlatform.Client otherClient = new PdpPlatform.Client(pep.base(),
        issuer.token(pep.base(), "other-client", "pdp:evaluate"));
    HttpResponse<String> otherCaller = otherClient.post("/access/v1/search/resource", second.encode());
    assertThat(otherCaller.statusCode()).as("another client cannot continue the walk").isEqualTo(400);
  }

  @Test
  void searchWhenLimitZeroThenEmptyLastPageOnEverySearch() {
    for (String route : List.of("/access/v1/search/subject", "/access/v1/search/resource",
        "/access/v1/search/action")) {
      JsonObject req = valid(route).put("page", new JsonObject().put("limit", 0));
      HttpResponse<String> r = pep.post(route, req.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getJsonArray("results")).as(route).isEmpty();
      assertThat(body.getJsonObject("page").getString("next_token")).as(route).isEmpty();
    }
  }

  // --- item 10: conformance ------------------------------------------------------------------------

  @Test
  void metadataWhenRootPathInsertedThenSameDocumentNamingTheBase() {
    HttpResponse<String> root = Http.get(a.baseUrl() + "/.well-known/authzen-configuration/pdp");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/json"));
    JsonObject m = new JsonObject(root.body());
    assertThat(m.getString("policy_decision_point")).isEqualTo(pep.base());
    assertThat(m).isEqualTo(new JsonObject(Http.get(pep.base() + "/.well-known/authzen-configuration").body()));
    assertThat(Http.get(a.baseUrl() + "/.well-known/authzen-configuration/other").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/subject",
      "/access/v1/search/resource", "/access/v1/search/action"})
  void routeWhenContentTypeNotJsonThen400(String route) {
    String body = valid(route).encode();
    for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
      HttpRequest.Builder b = Http.authorized(pep.base() + route, pep.token());
      if (type != null) {
        b.header("Content-Type", type);
      }
      HttpResponse<String> r = Http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
      assertThat(r.statusCode()).as("%s with %s", route, type).isEqualTo(400);
      assertErrorString(r);
      assertThat((String) Json.decodeValue(r.body())).contains("Content-Type");
    }
    HttpResponse<String> charset = Http.send(Http.authorized(pep.base() + route, pep.token())
        .header("Content-Type", "Application/JSON; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(charset.statusCode()).isEqualTo(200);
  }

  @Test
  void evaluationsWhenEmptyArrayThenAnswersLikeOneEvaluation() {
    JsonObject member = eval(MEMBER, "read", EMBARGOED, null).put("evaluations", new JsonArray());
    JsonObject body = new JsonObject(pep.post("/access/v1/evaluations", member.encode()).body());
    assertThat(body.getBoolean("decision")).isTrue();
    assertThat(body.containsKey("evaluations")).isFalse();
    assertThat(body.getJsonObject("context").getJsonObject("reason_admin").getString("rule"))
        .isEqualTo(new JsonObject(pep.post("/access/v1/evaluation", eval(MEMBER, "read", EMBARGOED, null).encode())
            .body()).getJsonObject("context").getJsonObject("reason_admin").getString("rule"));
    assertThat(decision(pep.post("/access/v1/evaluations", eval(OUTSIDER, "read", EMBARGOED, null)
        .put("evaluations", new JsonArray()).encode()))).isFalse();
    HttpResponse<String> nothing = pep.post("/access/v1/evaluations", "{\"evaluations\":[]}");
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertErrorString(nothing);
  }

  @Test
  void routeWhenUnauthenticatedOrWithoutScopeThenSpecErrorStringAndChallenge() {
    for (String route : ROUTES) {
      String body = valid(route).encode();
      HttpResponse<String> none = Http.postJson(pep.base() + route, body);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
          .startsWith("Bearer realm="));
      assertErrorString(none);
      HttpResponse<String> forbidden = admin.post(route, body);
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(forbidden.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
          .contains("insufficient_scope"));
      assertErrorString(forbidden);
      assertThat((String) Json.decodeValue(forbidden.body())).contains("pdp:evaluate");
      HttpResponse<String> bad = Http.send(Http.authorized(pep.base() + route, "not-a-jwt")
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
      assertThat(bad.statusCode()).isEqualTo(401);
      assertErrorString(bad);
    }
  }

  // --- the decision log's query parameters ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"resource=%00", "subject=a%00b", "subject=%1B%5B31m",
      "since=%2B999999999-01-01T00:00:00Z", "until=-999999999-01-01T00:00:00Z", "since=0000-01-01T00:00:00Z",
      "page=YTotNQ", "page=%00", "limit=99999999999", "simulated=%00"})
  void decisionsQueryWhenHostileParameterThen400NotServerError(String query) {
    HttpResponse<String> r = admin.get("/v1/decisions?" + query);
    assertThat(r.statusCode()).as("%s: %s", query, r.body()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void decisionsQueryWhenPageTokenOutOfRangeThen400() {
    String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("+999999999-01-01T00:00:00Z|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    assertThat(admin.get("/v1/decisions?page=" + cursor).statusCode()).isEqualTo(400);
    assertThat(admin.get("/v1/decisions?resource=" + "x".repeat(1025)).statusCode()).isEqualTo(400);
    assertThat(Http.get(URI.create(pep.base() + "/v1/decisions").toString()).statusCode()).isEqualTo(401);
  }
}
