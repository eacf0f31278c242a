package eu.panosc.pdp.authzen;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AuthZEN 1.0 against a real platform with the demo federation (plus 250 public datasets). */
class AuthzenIT {
  static final String TODAY = "2026-11-26T00:00:00Z";
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client pdp;
  static PdpPlatform.Client admin;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, true,
        Map.of("services.pdp.trustedEntitlementAuthorities", "eduteams.org"));
    pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate", "pdp:simulate");
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    StringBuilder nd = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      nd.append(new JsonObject().put("type", "dataset").put("pid", "10.9999/PUB-%03d".formatted(i))
          .put("proposal", "esrf:MX-2415").put("facility", "esrf").put("created", "2025-03-12T14:00:00Z")
          .put("public", i % 2 == 0).encode()).append('\n');
    }
    assertThat(admin.ndjson(nd.toString()).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get();
    issuer.close();
  }

  static String eval(String user, String action, String pid, String time) {
    return new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", time)).encode();
  }

  @Test
  void evaluationWhenMemberThenPermitWithReasonsAndRequestIdEchoed() {
    HttpResponse<String> r = Http.send(Http.authorized(pdp.base() + "/access/v1/evaluation", pdp.token())
        .header("Content-Type", "application/json").header("X-Request-ID", "pep 42/abc")
        .POST(HttpRequest.BodyPublishers.ofString(eval("alice@demo.panosc.eu", "read", EMBARGOED, TODAY))).build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-ID")).contains("pep 42/abc");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getBoolean("decision")).isTrue();
    assertThat(body.getJsonObject("context").getJsonObject("reason_admin").getString("rule")).isEqualTo("proposal-member");
    assertThat(body.getJsonObject("context").getJsonObject("reason_admin").getString("relation")).isEqualTo("member");
    assertThat(body.getJsonObject("context").getJsonObject("reason_user").getString("en")).contains("member");
  }

  @Test
  void evaluationWhenOutsiderOnEmbargoedThenDenyWithSentence() {
    JsonObject body = new JsonObject(pdp.post("/access/v1/evaluation",
        eval("dave@demo.panosc.eu", "read", EMBARGOED, TODAY)).body());
    assertThat(body.getBoolean("decision")).isFalse();
    assertThat(body.getJsonObject("context").getJsonObject("reason_user").getString("en"))
        .contains("embargo until 2028-03-14T08:00:00Z");
  }

  @Test
  void evaluationWhenContextTimeAtReleaseSecondThenPermitAndSecondBeforeDeny() {
    assertThat(new JsonObject(pdp.post("/access/v1/evaluation",
        eval("dave@demo.panosc.eu", "download", EMBARGOED, "2028-03-14T07:59:59Z")).body()).getBoolean("decision"))
        .isFalse();
    assertThat(new JsonObject(pdp.post("/access/v1/evaluation",
        eval("dave@demo.panosc.eu", "download", EMBARGOED, "2028-03-14T08:00:00Z")).body()).getBoolean("decision"))
        .isTrue();
    assertThat(new JsonObject(pdp.post("/access/v1/evaluation",
        eval("dave@demo.panosc.eu", "download", EMBARGOED, "2028-03-14T09:00:00+01:00")).body())
        .getBoolean("decision")).isTrue();
  }

  @Test
  void evaluationWhenTrustedEntitlementThenMember() {
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "x@eduteams.org")
            .put("properties", new JsonObject().put("entitlements", new JsonArray()
                .add("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#eduteams.org"))))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", EMBARGOED))
        .put("context", new JsonObject().put("time", TODAY)).encode();
    assertThat(new JsonObject(pdp.post("/access/v1/evaluation", body).body()).getBoolean("decision")).isTrue();
  }

  static Stream<Arguments> badRequests() {
    String ok = eval("alice@demo.panosc.eu", "read", EMBARGOED, TODAY);
    JsonObject o = new JsonObject(ok);
    return Stream.of(
        Arguments.of("{not json", "not valid JSON"),
        Arguments.of("", "empty"),
        Arguments.of("[1,2]", "JSON object"),
        Arguments.of(o.copy().put("subject", (Object) null).encode(), "subject is required"),
        Arguments.of(without(o, "subject"), "subject is required"),
        Arguments.of(o.copy().put("subject", "alice").encode(), "subject must be an object"),
        Arguments.of(o.copy().put("subject", new JsonObject().put("id", "alice")).encode(), "subject.type is required"),
        Arguments.of(o.copy().put("subject", new JsonObject().put("type", "user")).encode(), "subject.id is required"),
        Arguments.of(o.copy().put("subject", new JsonObject().put("type", "user").put("id", 7)).encode(),
            "subject.id must be a string"),
        Arguments.of(o.copy().put("subject", new JsonObject().put("type", "user").put("id", "a").put("properties", 1))
            .encode(), "subject.properties must be an object"),
        Arguments.of(without(o, "action"), "action is required"),
        Arguments.of(o.copy().put("action", new JsonObject()).encode(), "action.name is required"),
        Arguments.of(o.copy().put("action", new JsonObject().put("name", true)).encode(), "action.name must be a string"),
        Arguments.of(without(o, "resource"), "resource is required"),
        Arguments.of(o.copy().put("resource", new JsonObject().put("type", "dataset")).encode(), "resource.id is required"),
        Arguments.of(o.copy().put("resource", new JsonObject().put("type", 3).put("id", "x")).encode(),
            "resource.type must be a string"),
        Arguments.of(o.copy().put("context", "now").encode(), "context must be an object"),
        Arguments.of(o.copy().put("context", new JsonObject().put("time", "yesterday")).encode(), "context.time"));
  }

  private static String without(JsonObject o, String key) {
    JsonObject c = o.copy();
    c.remove(key);
    return c.encode();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badRequests")
  void evaluationWhenMalformedThen400WithMessageString(String body, String message) {
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    Object decoded = io.vertx.core.json.Json.decodeValue(r.body());
    assertThat(decoded).isInstanceOf(String.class);
    assertThat((String) decoded).contains(message);
  }

  private static JsonObject evaluations(String semantic, String... pidsAndActions) {
    JsonArray items = new JsonArray();
    for (String p : pidsAndActions) {
      items.add(new JsonObject().put("resource", new JsonObject().put("type", "dataset").put("id", p)));
    }
    JsonObject o = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "dave@demo.panosc.eu"))
        .put("action", new JsonObject().put("name", "read")).put("context", new JsonObject().put("time", TODAY))
        .put("evaluations", items);
    if (semantic != null) {
      o.put("options", new JsonObject().put("evaluations_semantic", semantic));
    }
    return o;
  }

  private static List<Boolean> decisions(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    List<Boolean> out = new ArrayList<>();
    new JsonObject(r.body()).getJsonArray("evaluations").forEach(e -> out.add(((JsonObject) e).getBoolean("decision")));
    return out;
  }

  @Test
  void evaluationsWhenExecuteAllThenEveryAnswerInOrder() {
    String[] pids = {"10.15151/ESRF-DC-2415002", EMBARGOED, "10.15151/ESRF-ES-4410001", EMBARGOED};
    assertThat(decisions(pdp.post("/access/v1/evaluations", evaluations(null, pids).encode())))
        .containsExactly(true, false, true, false);
    assertThat(decisions(pdp.post("/access/v1/evaluations", evaluations("execute_all", pids).encode())))
        .containsExactly(true, false, true, false);
  }

  @Test
  void evaluationsWhenDenyOnFirstDenyThenStopsAtFirstDeny() {
    assertThat(decisions(pdp.post("/access/v1/evaluations", evaluations("deny_on_first_deny",
        "10.15151/ESRF-DC-2415002", EMBARGOED, "10.15151/ESRF-ES-4410001").encode()))).containsExactly(true, false);
  }

  @Test
  void evaluationsWhenPermitOnFirstPermitThenStopsAtFirstPermit() {
    assertThat(decisions(pdp.post("/access/v1/evaluations", evaluations("permit_on_first_permit",
        EMBARGOED, "10.15151/ESRF-ES-4410001", EMBARGOED).encode()))).containsExactly(false, true);
  }

  @Test
  void evaluationsWhenItemBrokenThenThatItemFalseWithError() {
    JsonObject o = evaluations(null, "10.15151/ESRF-DC-2415002", "unknown-pid");
    o.getJsonArray("evaluations").add(new JsonObject().put("resource", new JsonObject().put("type", "dataset")));
    HttpResponse<String> r = pdp.post("/access/v1/evaluations", o.encode());
    assertThat(decisions(r)).containsExactly(true, false, false);
    JsonArray items = new JsonObject(r.body()).getJsonArray("evaluations");
    assertThat(items.getJsonObject(1).getJsonObject("context").getJsonObject("error").getInteger("status")).isEqualTo(404);
    assertThat(items.getJsonObject(2).getJsonObject("context").getJsonObject("error").getString("message"))
        .contains("resource.id is required");
  }

  @Test
  void evaluationsWhenNoArrayThenSingleAnswerAndBadSemanticIs400() {
    JsonObject single = new JsonObject(pdp.post("/access/v1/evaluations",
        eval("alice@demo.panosc.eu", "read", EMBARGOED, TODAY)).body());
    assertThat(single.getBoolean("decision")).isTrue();
    assertThat(pdp.post("/access/v1/evaluations", evaluations("first_come", EMBARGOED).encode()).statusCode())
        .isEqualTo(400);
    assertThat(pdp.post("/access/v1/evaluations", new JsonObject().put("evaluations", "x").encode()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void searchResourceWhenPagedThenEveryPermittedDatasetExactlyOnce() {
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      JsonObject req = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "dave@demo.panosc.eu"))
          .put("action", new JsonObject().put("name", "read")).put("resource", new JsonObject().put("type", "dataset"))
          .put("context", new JsonObject().put("time", TODAY))
          .put("page", new JsonObject().put("token", token).put("limit", 7));
      HttpResponse<String> r = pdp.post("/access/v1/search/resource", req.encode());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      JsonArray results = body.getJsonArray("results");
      assertThat(results.size()).isLessThanOrEqualTo(7);
      results.forEach(x -> {
        String id = ((JsonObject) x).getString("id");
        assertThat(((JsonObject) x).getString("type")).isEqualTo("dataset");
        assertThat(seen.add(id)).as("no repeats: %s", id).isTrue();
        order.add(id);
      });
      token = body.getJsonObject("page").getString("next_token");
      pages++;
    } while (!token.isEmpty() && pages < 1000);
    Set<String> expected = new HashSet<>(Set.of("10.15151/ESRF-DC-2415002", "10.15151/ESRF-ES-4410001"));
    for (int i = 0; i < 250; i += 2) {
      expected.add("10.9999/PUB-%03d".formatted(i));
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(order).isSorted();
    assertThat(pages).isGreaterThanOrEqualTo(127 / 7);
  }

  @Test
  void searchSubjectWhenEmbargoedThenMembersOnly() {
    JsonObject req = new JsonObject().put("subject", new JsonObject().put("type", "user"))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", EMBARGOED))
        .put("context", new JsonObject().put("time", TODAY)).put("page", new JsonObject().put("limit", 1));
    List<String> ids = new ArrayList<>();
    String token = "";
    do {
      req.getJsonObject("page").put("token", token);
      JsonObject body = new JsonObject(pdp.post("/access/v1/search/subject", req.encode()).body());
      body.getJsonArray("results").forEach(x -> ids.add(((JsonObject) x).getString("id")));
      token = body.getJsonObject("page").getString("next_token");
    } while (!token.isEmpty());
    assertThat(ids).containsExactly("alice@demo.panosc.eu", "bob@demo.panosc.eu");
  }

  @Test
  void searchActionWhenPiAndCoProposerThenTheirActions() {
    JsonObject req = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "alice@demo.panosc.eu"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", EMBARGOED))
        .put("context", new JsonObject().put("time", TODAY)).put("page", new JsonObject().put("limit", 2));
    List<String> names = new ArrayList<>();
    String token = "";
    do {
      req.getJsonObject("page").put("token", token);
      JsonObject body = new JsonObject(pdp.post("/access/v1/search/action", req.encode()).body());
      body.getJsonArray("results").forEach(x -> names.add(((JsonObject) x).getString("name")));
      token = body.getJsonObject("page").getString("next_token");
    } while (!token.isEmpty());
    assertThat(names).containsExactly("read", "download", "analyse", "annotate", "publish");

    req.getJsonObject("subject").put("id", "bob@demo.panosc.eu");
    req.remove("page");
    JsonObject bob = new JsonObject(pdp.post("/access/v1/search/action", req.encode()).body());
    assertThat(bob.getJsonArray("results").stream().map(x -> ((JsonObject) x).getString("name")).toList())
        .containsExactly("read", "download", "analyse");
    assertThat(bob.getJsonObject("page").getString("next_token")).isEmpty();
  }

  @Test
  void searchWhenBadPageThen400() {
    JsonObject req = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "a"))
        .put("action", new JsonObject().put("name", "read")).put("resource", new JsonObject().put("type", "dataset"));
    assertThat(pdp.post("/access/v1/search/resource", req.copy().put("page", new JsonObject().put("limit", -1))
        .encode()).statusCode()).isEqualTo(400);
    assertThat(pdp.post("/access/v1/search/resource", req.copy().put("page", new JsonObject().put("token", "!!"))
        .encode()).statusCode()).isEqualTo(400);
    assertThat(pdp.post("/access/v1/search/resource", without(req, "action")).statusCode()).isEqualTo(400);
  }

  @Test
  void metadataWhenFetchedThenEndpointsUnderBase() {
    HttpResponse<String> r = Http.get(pdp.base() + "/.well-known/authzen-configuration");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject m = new JsonObject(r.body());
    assertThat(m.getString("policy_decision_point")).isEqualTo(pdp.base());
    assertThat(m.getString("access_evaluation_endpoint")).isEqualTo(pdp.base() + "/access/v1/evaluation");
    assertThat(m.getString("access_evaluations_endpoint")).isEqualTo(pdp.base() + "/access/v1/evaluations");
    assertThat(m.getString("search_subject_endpoint")).isEqualTo(pdp.base() + "/access/v1/search/subject");
    assertThat(m.getString("search_resource_endpoint")).isEqualTo(pdp.base() + "/access/v1/search/resource");
    assertThat(m.getString("search_action_endpoint")).isEqualTo(pdp.base() + "/access/v1/search/action");
  }

  @Test
  void evaluationWhenNoTokenThen401AndWrongScopeThen403() {
    HttpResponse<String> none = Http.postJson(pdp.base() + "/access/v1/evaluation",
        eval("alice@demo.panosc.eu", "read", EMBARGOED, TODAY));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(admin.post("/access/v1/evaluation", eval("alice@demo.panosc.eu", "read", EMBARGOED, TODAY))
        .statusCode()).isEqualTo(403);
    assertThat(pdp.ndjson("").statusCode()).isEqualTo(403);
    assertThat(Http.send(HttpRequest.newBuilder(URI.create(pdp.base() + "/v1/ingest"))
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString("")).build())
        .statusCode()).isEqualTo(401);
  }
}
