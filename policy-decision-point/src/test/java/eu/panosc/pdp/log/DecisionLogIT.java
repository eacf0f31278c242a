package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision log against a real platform (demo federation, default masking: subject ids hashed,
 * subject properties dropped). Retention is 2 minutes here so that the clock shift that ages a row
 * stays within the 5-minute life of the test tokens, which the platform checks against the same clock.
 */
class DecisionLogIT {
  static final String TODAY = "2026-11-26T00:00:00Z";
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  static final String PUBLIC = "10.15151/ESRF-ES-4410001";
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static final ShiftedClock CLOCK = new ShiftedClock();

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, true, Map.of(
        "services.pdp.decisionLog.retention", "2m",
        "services.pdp.decisionLog.purgeInterval", "200ms"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get();
    issuer.close();
  }

  /** Fresh tokens per call: the test shifts the platform's clock, which token checks use too. */
  static PdpPlatform.Client pep() {
    return PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
  }

  static PdpPlatform.Client admin() {
    return PdpPlatform.Client.of(platform, issuer, "pdp:admin");
  }

  static JsonObject evalRequest(String user, String pid) {
    return new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", TODAY));
  }

  static String decide(String user, String pid) {
    HttpResponse<String> r = pep().post("/access/v1/evaluation", evalRequest(user, pid).encode());
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonObject("context").getString("id");
  }

  /** Polls until the condition holds: the log is written asynchronously, every ~200 ms. */
  static <T> T await(Supplier<T> probe, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T last = probe.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = probe.get();
    }
    assertThat(done.test(last)).as("condition not reached; last: %s", last).isTrue();
    return last;
  }

  static JsonObject logged(String id) {
    HttpResponse<String> r = await(() -> admin().get("/v1/decisions/" + id), x -> x.statusCode() == 200);
    return new JsonObject(r.body());
  }

  static String query(Map<String, String> params) {
    StringBuilder q = new StringBuilder();
    params.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return "/v1/decisions" + q;
  }

  @Test
  void evaluationWhenAnsweredThenLoggedUnderTheIdTheCallerSawWithSubjectHashed() {
    JsonObject body = evalRequest("alice@demo.panosc.eu", EMBARGOED);
    body.getJsonObject("subject").put("properties", new JsonObject().put("entitlements",
        new JsonArray().add("urn:geant:eduteams.org:group:panosc:esrf:MX-2415#eduteams.org")));
    body.getJsonObject("context").put("portal", "scicat");
    HttpResponse<String> r = Http.send(Http.authorized(pep().base() + "/access/v1/evaluation", pep().token())
        .header("Content-Type", "application/json").header("X-Request-ID", "pep 7/abc")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    assertThat(r.statusCode()).isEqualTo(200);
    String id = new JsonObject(r.body()).getJsonObject("context").getString("id");
    assertThat(UUID.fromString(id).version()).isEqualTo(7);

    JsonObject e = logged(id);
    assertThat(e.getString("id")).isEqualTo(id);
    assertThat(e.getString("kind")).isEqualTo("evaluation");
    assertThat(e.getString("caller")).isEqualTo("test-client");
    assertThat(e.getString("requestId")).isEqualTo("pep 7/abc");
    assertThat(Instant.parse(e.getString("time"))).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    assertThat(e.getJsonObject("subject").getString("type")).isEqualTo("user");
    assertThat(e.getJsonObject("subject").getString("id")).startsWith("hmac:").doesNotContain("alice");
    assertThat(e.getJsonObject("resource").getMap()).isEqualTo(Map.of("type", "dataset", "id", EMBARGOED));
    assertThat(e.getString("action")).isEqualTo("read");
    assertThat(e.getBoolean("decision")).isTrue();
    assertThat(e.getJsonObject("policy").getMap()).isEqualTo(Map.of("name", "panosc-data", "version", 1,
        "rule", "proposal-member", "relation", "member"));
    // subject.properties are dropped by default; the context is kept, without the time this caller may
    // not choose (no pdp:simulate): the decision was taken at the PDP's clock
    assertThat(e.getJsonObject("request").getMap()).isEqualTo(Map.of("context", Map.of("portal", "scicat")));
    assertThat(e.getBoolean("simulated")).isFalse();
    assertThat(e.encode()).doesNotContain("alice", "eduteams");

    // the administrator searches with the clear id; the server hashes it
    JsonObject list = new JsonObject(admin().get(query(Map.of("subject", "alice@demo.panosc.eu",
        "resource", EMBARGOED))).body());
    assertThat(list.getJsonArray("items").stream().map(x -> ((JsonObject) x).getString("id"))).contains(id);
    assertThat(platform.registry().get(DecisionLogWriter.METER_WRITTEN).counter().count()).isPositive();
    assertThat(platform.registry().get(DecisionQueue.METER_DROPPED).counter().count()).isZero();
  }

  @Test
  void evaluationsWhenSeveralItemsThenEachItsOwnIdAndEntry() {
    JsonObject o = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "dave@demo.panosc.eu"))
        .put("action", new JsonObject().put("name", "read")).put("context", new JsonObject().put("time", TODAY))
        .put("evaluations", new JsonArray()
            .add(new JsonObject().put("resource", new JsonObject().put("type", "dataset").put("id", PUBLIC)))
            .add(new JsonObject().put("resource", new JsonObject().put("type", "dataset").put("id", EMBARGOED)))
            .add(new JsonObject().put("resource", new JsonObject().put("type", "dataset"))));
    HttpResponse<String> r = pep().post("/access/v1/evaluations", o.encode());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray items = new JsonObject(r.body()).getJsonArray("evaluations");
    List<String> ids = new ArrayList<>();
    items.forEach(x -> ids.add(((JsonObject) x).getJsonObject("context").getString("id")));
    assertThat(new HashSet<>(ids)).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonObject e = logged(ids.get(i));
      assertThat(e.getString("kind")).isEqualTo("evaluations");
      assertThat(e.getInteger("item")).isEqualTo(i);
      assertThat(e.getBoolean("decision")).isEqualTo(items.getJsonObject(i).getBoolean("decision"));
    }
    assertThat(logged(ids.get(1)).getJsonObject("policy").getString("relation")).isEqualTo("none");
    JsonObject broken = logged(ids.get(2));
    assertThat(broken.getJsonObject("error").getInteger("status")).isEqualTo(400);
    assertThat(broken.getJsonObject("error").getString("message")).contains("resource.id is required");
  }

  @Test
  void searchWhenAnsweredThenContextIdAndOneSummaryEntry() {
    JsonObject req = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "dave@demo.panosc.eu"))
        .put("action", new JsonObject().put("name", "read")).put("resource", new JsonObject().put("type", "dataset"))
        .put("context", new JsonObject().put("time", TODAY)).put("page", new JsonObject().put("limit", 1));
    JsonObject answer = new JsonObject(pep().post("/access/v1/search/resource", req.encode()).body());
    String id = answer.getJsonObject("context").getString("id");
    JsonObject e = logged(id);
    assertThat(e.getString("kind")).isEqualTo("search/resource");
    assertThat(e.containsKey("decision")).isFalse();
    assertThat(e.getJsonObject("resource").getMap()).isEqualTo(Map.of("type", "dataset"));
    assertThat(e.getJsonObject("result").getInteger("count")).isEqualTo(answer.getJsonArray("results").size());
    assertThat(e.getJsonObject("result").getBoolean("more"))
        .isEqualTo(!answer.getJsonObject("page").getString("next_token").isEmpty());

    JsonObject actions = new JsonObject(pep().post("/access/v1/search/action", new JsonObject()
        .put("subject", new JsonObject().put("type", "user").put("id", "alice@demo.panosc.eu"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", EMBARGOED))
        .put("context", new JsonObject().put("time", TODAY)).encode()).body());
    JsonObject a = logged(actions.getJsonObject("context").getString("id"));
    assertThat(a.getString("kind")).isEqualTo("search/action");
    assertThat(a.getJsonObject("result").getInteger("count")).isEqualTo(5);
  }

  @Test
  void queryWhenFilteredAndPagedThenEveryRowExactlyOnceNewestFirst() {
    String user = "pager-" + UUID.randomUUID() + "@example.org";
    Set<String> all = new HashSet<>();
    Set<String> denied = new HashSet<>();
    for (int i = 0; i < 23; i++) {
      String id = decide(user, i % 3 == 0 ? EMBARGOED : PUBLIC);
      all.add(id);
      if (i % 3 == 0) {
        denied.add(id);
      }
    }
    await(() -> new JsonObject(admin().get(query(Map.of("subject", user, "limit", "1000"))).body())
        .getJsonArray("items").size(), n -> n == all.size());

    List<JsonObject> seen = new ArrayList<>();
    String page = null;
    int pages = 0;
    do {
      Map<String, String> p = new LinkedHashMap<>(Map.of("subject", user, "limit", "4"));
      if (page != null) {
        p.put("page", page);
      }
      HttpResponse<String> r = admin().get(query(p));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getJsonArray("items").size()).isLessThanOrEqualTo(4);
      assertThat(body.getJsonObject("page").getInteger("count")).isEqualTo(body.getJsonArray("items").size());
      body.getJsonArray("items").forEach(x -> seen.add((JsonObject) x));
      page = body.getJsonObject("page").getString("next");
      pages++;
    } while (page != null && pages < 100);
    assertThat(pages).isEqualTo(6);
    List<String> ids = seen.stream().map(x -> x.getString("id")).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(all);
    List<Instant> times = seen.stream().map(x -> Instant.parse(x.getString("time"))).toList();
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i)).isBeforeOrEqualTo(times.get(i - 1));
    }

    Set<String> deniedFound = new HashSet<>();
    new JsonObject(admin().get(query(Map.of("subject", user, "decision", "deny"))).body()).getJsonArray("items")
        .forEach(x -> deniedFound.add(((JsonObject) x).getString("id")));
    assertThat(deniedFound).isEqualTo(denied);
    Set<String> onEmbargoed = new HashSet<>();
    new JsonObject(admin().get(query(Map.of("subject", user, "resource", EMBARGOED, "decision", "permit"))).body())
        .getJsonArray("items").forEach(x -> onEmbargoed.add(((JsonObject) x).getString("id")));
    assertThat(onEmbargoed).isEmpty();

    // [since, until): the newest row's time as until excludes it, the oldest's as since includes it
    Instant newest = times.get(0);
    Instant oldest = times.get(times.size() - 1);
    JsonArray window = new JsonObject(admin().get(query(Map.of("subject", user, "since", oldest.toString(),
        "until", newest.toString()))).body()).getJsonArray("items");
    assertThat(window.size()).isEqualTo((int) times.stream().filter(t -> t.isBefore(newest)).count());
  }

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("limit=0", "limit"),
        Arguments.of("limit=abc", "limit"),
        Arguments.of("limit=1001", "limit"),
        Arguments.of("limit=1&limit=2", "limit"),
        Arguments.of("decision=maybe", "decision"),
        Arguments.of("since=yesterday", "since"),
        Arguments.of("until=2026-13-01T00:00:00Z", "until"),
        Arguments.of("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
        Arguments.of("page=!!!", "page"),
        Arguments.of("page=bm90LWEtdG9rZW4", "page"),
        Arguments.of("subject=", "subject"),
        Arguments.of("subjet=alice", "subjet"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badQueries")
  void queryWhenBadParameterThen400ProblemNamingIt(String query, String field) {
    HttpResponse<String> r = admin().get("/v1/decisions?" + query);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/problem+json"));
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getInteger("status")).isEqualTo(400);
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
    assertThat(problem.getString("detail")).startsWith(field + ":");
  }

  @Test
  void oneWhenUnknownOrMalformedIdThen404Problem() {
    for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
      HttpResponse<String> r = admin().get("/v1/decisions/" + id);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/problem+json"));
      assertThat(new JsonObject(r.body()).getString("detail")).contains(id);
    }
  }

  @Test
  void queryWhenNoTokenThen401AndEvaluateScopeThen403() {
    String base = admin().base();
    for (String path : List.of("/v1/decisions", "/v1/decisions/" + UUID.randomUUID())) {
      HttpResponse<String> none = Http.get(base + path);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(pep().get(path).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void purgeWhenOlderThanRetentionThenRemovedAndNewerKept() {
    String user = "aged-" + UUID.randomUUID() + "@example.org";
    String old = decide(user, PUBLIC);
    logged(old);
    double purgedBefore = platform.registry().get(DecisionLogWriter.METER_PURGED).counter().count();
    try {
      // three minutes later (retention 2m): the first row is too old, a row decided now is not
      CLOCK.shift(Duration.ofMinutes(3));
      String recent = decide(user, PUBLIC);
      logged(recent);
      await(() -> admin().get("/v1/decisions/" + old).statusCode(), s -> s == 404);
      assertThat(admin().get("/v1/decisions/" + recent).statusCode()).isEqualTo(200);
      assertThat(platform.registry().get(DecisionLogWriter.METER_PURGED).counter().count()).isGreaterThan(purgedBefore);
    } finally {
      CLOCK.shift(Duration.ZERO);
    }
  }
}
