package eu.panosc.pdp.filter;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.store.RelationCache;
import eu.panosc.pdp.store.Snapshot;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The filter as a catalogue uses it: the SQL answered by {@code POST /pdp/v1/filters/datasets}, run by
 * real PostgreSQL over a catalogue table, selects exactly the datasets that AuthZEN evaluations permit
 * and that the AuthZEN resource search lists, for every user of a random world, under the default policy
 * and a facility policy with a deny rule.
 */
class FilterEndpointIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client pdp;
  static PdpPlatform.Client admin;
  static Snapshot world;
  static Pool pool;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    // the table below compares decisions at chosen times: what-if questions (scope pdp:simulate)
    pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate", "pdp:simulate");
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    world = RandomWorld.snapshot(7, 40, 600);
    assertThat(admin.ndjson(RandomWorld.ndjson(world)).statusCode()).isEqualTo(200);
    assertThat(admin.yaml("/v1/policies/ill", DatasetFiltersTest.ILL_POLICY).statusCode()).isEqualTo(200);

    // A catalogue's own table, holding each dataset's effective release date as the PDP reports it.
    RelationCache facts = new RelationCache();
    facts.load(world);
    pool = platform.database().pool(platform.vertx(), "pdp");
    await(pool.query("CREATE SCHEMA catalogue").execute());
    await(pool.query("CREATE TABLE catalogue.ds (doi text PRIMARY KEY, site text, prop text, open boolean, "
        + "embargo_end timestamptz)").execute());
    List<Tuple> rows = new ArrayList<>();
    for (Dataset d : world.datasets()) {
      Instant release = facts.factsOf(d).releaseDate();
      rows.add(Tuple.of(d.pid(), d.facility(), d.proposal(), d.isPublic(),
          release == null ? null : OffsetDateTime.ofInstant(release, ZoneOffset.UTC)));
    }
    await(pool.preparedQuery("INSERT INTO catalogue.ds VALUES ($1, $2, $3, $4, $5)").executeBatch(rows));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }

  private static JsonObject request(String user, String action, String time) {
    JsonObject o = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action));
    if (time != null) {
      o.put("context", new JsonObject().put("time", time));
    }
    return o;
  }

  private static TreeSet<String> selected(JsonObject filter) throws Exception {
    JsonObject sql = filter.getJsonObject("sql");
    JsonArray params = sql.getJsonArray("params");
    JsonArray types = sql.getJsonArray("paramTypes");
    Tuple t = Tuple.tuple();
    for (int i = 0; i < params.size(); i++) {
      t.addValue(types.getString(i).equals("timestamp")
          ? OffsetDateTime.ofInstant(Instant.parse(params.getString(i)), ZoneOffset.UTC) : params.getString(i));
    }
    TreeSet<String> out = new TreeSet<>();
    for (Row r : await(pool.preparedQuery("SELECT doi FROM catalogue.ds WHERE " + sql.getString("where"))
        .execute(t))) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static TreeSet<String> permitted(String user, String action, String time) {
    JsonArray items = new JsonArray();
    world.datasets().forEach(d -> items.add(new JsonObject().put("resource",
        new JsonObject().put("type", "dataset").put("id", d.pid()))));
    JsonObject body = request(user, action, time).put("evaluations", items);
    HttpResponse<String> r = pdp.post("/access/v1/evaluations", body.encode());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray answers = new JsonObject(r.body()).getJsonArray("evaluations");
    TreeSet<String> out = new TreeSet<>();
    for (int i = 0; i < answers.size(); i++) {
      if (answers.getJsonObject(i).getBoolean("decision")) {
        out.add(world.datasets().get(i).pid());
      }
    }
    return out;
  }

  private static List<String> searched(String user, String action, String time) {
    List<String> out = new ArrayList<>();
    String token = "";
    do {
      JsonObject body = request(user, action, time).put("resource", new JsonObject().put("type", "dataset"))
          .put("page", new JsonObject().put("token", token).put("limit", 50));
      HttpResponse<String> r = pdp.post("/access/v1/search/resource", body.encode());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      page.getJsonArray("results").forEach(o -> out.add(((JsonObject) o).getString("id")));
      token = page.getJsonObject("page").getString("next_token");
    } while (!token.isEmpty());
    return out;
  }

  @ParameterizedTest(name = "{0} {1} at {2}")
  @CsvSource(nullValues = "now", value = {
      "u0, read, now", "u1, read, 2026-11-26T12:00:00Z", "u2, download, 2026-11-26T11:59:59Z", "u3, analyse, now",
      "u4, annotate, now", "u5, publish, now", "u6, read, 2030-01-01T00:00:00Z", "u7, read, now",
      "nobody, read, now", "nobody, delete, now"})
  void filterWhenAppliedByTheCatalogueThenSameSetAsEvaluationsAndSearch(String user, String action, String time)
      throws Exception {
    JsonObject body = request(user, action, time).put("sql", new JsonObject().put("placeholders", "$n")
        .put("columns", new JsonObject().put("facility", "site").put("proposal", "prop").put("public", "open")
            .put("releaseDate", "embargo_end")));
    HttpResponse<String> r = pdp.post("/v1/filters/datasets", body.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    JsonObject filter = new JsonObject(r.body());
    assertThat(filter.getJsonObject("policies").getString("ill")).startsWith("ill-data@v");
    assertThat(filter.getJsonObject("policies").getString("esrf")).startsWith("panosc-data@v");
    if (time != null) {
      assertThat(Instant.parse(filter.getString("time"))).isEqualTo(Instant.parse(time));
    }
    TreeSet<String> permitted = permitted(user, action, filter.getString("time"));
    assertThat(selected(filter)).as("SQL in the catalogue").containsExactlyElementsOf(permitted);
    assertThat(searched(user, action, filter.getString("time"))).as("AuthZEN resource search")
        .containsExactlyElementsOf(permitted);
  }

  @Test
  void filterWhenDefaultsThenJdbcPlaceholdersAndJsonForm() {
    HttpResponse<String> r = pdp.post("/v1/filters/datasets", request("u0", "read", null).encode());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject filter = new JsonObject(r.body());
    String where = filter.getJsonObject("sql").getString("where");
    assertThat(where).contains("facility IN (?", "public IS TRUE", "release_date <= ?").doesNotContain("$1");
    assertThat(where.chars().filter(c -> c == '?').count())
        .isEqualTo(filter.getJsonObject("sql").getJsonArray("params").size());
    assertThat(filter.getJsonObject("filter").encode()).contains("\"field\":\"facility\"", "\"op\":\"in\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"action\":{\"name\":\"read\"}}|subject",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"}}|action",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"context\":{\"time\":\"yesterday\"}}|context.time",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"proposal\"}}|resource.type",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":[]}|sql",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":{\"dialect\":\"x\"}}|sql.dialect",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":{\"placeholders\":\":p\"}}|sql.placeholders",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":{\"columns\":{\"public\":\"1; DROP TABLE x\"}}}|sql.columns",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":{\"columns\":{\"owner\":\"o\"}}}|sql.columns",
      "{\"subject\":{\"type\":\"user\",\"id\":\"u1\"},\"action\":{\"name\":\"read\"},\"sql\":{\"columns\":{\"public\":1}}}|sql.columns.public",
      "not json|JSON",
      "[]|object"})
  void filterWhenBadRequestThenProblemNamingTheField(String body, String field) {
    HttpResponse<String> r = pdp.post("/v1/filters/datasets", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/problem+json"));
    assertThat(new JsonObject(r.body()).getString("detail")).contains(field);
  }

  @Test
  void filterWhenPolicyCannotBeExpressedThen422AndSearchStillComplete() {
    String odd = """
        name: xfel-instruments
        facility: xfel
        actions: [read]
        rules:
          - id: one-instrument
            when: resource.instrument == "xfel:i" && resource.public
        """;
    assertThat(admin.yaml("/v1/policies/xfel", odd).statusCode()).isEqualTo(200);
    try {
      HttpResponse<String> r = pdp.post("/v1/filters/datasets", request("u1", "read", null).encode());
      assertThat(r.statusCode()).isEqualTo(422);
      JsonObject problem = new JsonObject(r.body());
      assertThat(problem.getString("facility")).isEqualTo("xfel");
      assertThat(problem.getString("detail")).contains("resource.instrument");
      // The resource search falls back to trying every dataset, and stays exact.
      assertThat(searched("u1", "read", "2026-11-26T12:00:00Z"))
          .containsExactlyElementsOf(permitted("u1", "read", "2026-11-26T12:00:00Z"));
    } finally {
      assertThat(admin.yaml("/v1/policies/xfel", DatasetFiltersTest.ILL_POLICY.replace("ill", "xfel"))
          .statusCode()).isEqualTo(200);
    }
  }

  @Test
  void filterWhenNoTokenOrWrongScopeThen401Or403() {
    HttpResponse<String> none = Http.send(HttpRequest.newBuilder(URI.create(pdp.base() + "/v1/filters/datasets"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request("u1", "read", null).encode())).build());
    assertThat(none.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = Http.sendJson("POST", admin.base() + "/v1/filters/datasets", admin.token(),
        request("u1", "read", null).encode());
    assertThat(wrong.statusCode()).isEqualTo(403);
  }
}
