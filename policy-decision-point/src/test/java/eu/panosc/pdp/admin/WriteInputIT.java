package eu.panosc.pdp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.store.ChangeLog;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PDP write path refuses what cannot be stored and read back, with a 400 naming the field and nothing
 * written (the change log's head does not move): the outside test's dates, NUL in every text field, a
 * 600-character PID, on the ingest, the per-entity routes and their path keys, and the decision log query.
 * Also: a dataset filed under another facility than its proposal's, and PIDs decoded exactly once.
 */
class WriteInputIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client admin;
  static PdpPlatform.Client pdp;
  static ChangeLog log;

  static final String LONG_PID = "10.5555/" + "x".repeat(600);

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
    log = new ChangeLog(platform.database().pool(platform.vertx(), "pdp"));
    HttpResponse<String> r = admin.ndjson("""
        {"type":"facility","id":"esrf","name":"ESRF","embargoYears":3}
        {"type":"facility","id":"ill","name":"ILL","embargoYears":3}
        {"type":"proposal","id":"esrf:MX-2415","facility":"esrf","title":"T","start":"2025-03-10T08:00:00Z","end":"2025-03-14T08:00:00Z"}
        {"type":"member","proposal":"esrf:MX-2415","user":"alice","role":"pi"}
        {"type":"staff","user":"carol","facility":"ill","role":"data-manager"}
        {"type":"staff","user":"erik","facility":"esrf","role":"data-manager"}
        {"type":"dataset","pid":"10.15151/ESRF-DC-2415001","proposal":"esrf:MX-2415","facility":"esrf","instrument":"esrf:id23-1","created":"2025-03-12T14:00:00Z"}
        """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    issuer.close();
  }

  static long head() throws Exception {
    return log.head().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The valid record of each type (as ingest lines; the per-entity routes take the same fields). */
  static JsonObject valid(String type) {
    return switch (type) {
      case "facility" -> new JsonObject().put("type", "facility").put("id", "esrf").put("name", "ESRF")
          .put("embargoYears", 3);
      case "proposal" -> new JsonObject().put("type", "proposal").put("id", "esrf:MX-2415").put("facility", "esrf")
          .put("title", "T").put("start", "2025-03-10T08:00:00Z").put("end", "2025-03-14T08:00:00Z")
          .put("releaseDate", "2028-03-14T08:00:00Z");
      case "member" -> new JsonObject().put("type", "member").put("proposal", "esrf:MX-2415").put("user", "alice")
          .put("orcid", "0000-0002-1825-0097").put("role", "pi");
      case "staff" -> new JsonObject().put("type", "staff").put("user", "erik").put("facility", "esrf")
          .put("role", "data-manager");
      case "dataset" -> new JsonObject().put("type", "dataset").put("pid", "10.15151/ESRF-DC-2415001")
          .put("proposal", "esrf:MX-2415").put("facility", "esrf").put("instrument", "esrf:id23-1")
          .put("created", "2025-03-12T14:00:00Z").put("releaseDate", "2028-01-01T00:00:00Z").put("public", false)
          .put("storage", new JsonObject().put("site", "gpfs").put("path", "/data/x")).put("sizeBytes", 42);
      default -> throw new IllegalArgumentException(type);
    };
  }

  /** Every poisoned variant of every record: (description, line, the field the answer must name). */
  static Stream<Arguments> poisoned() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("releaseDate +10000", valid("dataset").put("releaseDate", "+10000-01-01T00:00:00Z"), "releaseDate"));
    out.add(Arguments.of("created year 0", valid("dataset").put("created", "0000-01-01T00:00:00Z"), "created"));
    out.add(Arguments.of("proposal end +999999999", valid("proposal").put("end", "+999999999-01-01T00:00:00Z"), "end"));
    out.add(Arguments.of("proposal releaseDate -1", valid("proposal").put("releaseDate", "-0001-01-01T00:00:00Z"), "releaseDate"));
    out.add(Arguments.of("pid of 600", valid("dataset").put("pid", LONG_PID), "pid"));
    out.add(Arguments.of("delete pid of 600", new JsonObject().put("type", "delete").put("entity", "dataset")
        .put("pid", LONG_PID), "pid"));
    out.add(Arguments.of("sizeBytes 1e30", valid("dataset").put("sizeBytes", 1e30), "sizeBytes"));
    out.add(Arguments.of("sizeBytes -1", valid("dataset").put("sizeBytes", -1), "sizeBytes"));
    out.add(Arguments.of("embargoYears 2^32+3", valid("facility").put("embargoYears", (1L << 32) + 3), "embargoYears"));
    out.add(Arguments.of("cross-facility dataset", valid("dataset").put("facility", "ill"), "facility"));
    out.add(Arguments.of("instrument of another facility", valid("dataset").put("instrument", "ill:d22"), "instrument"));
    out.add(Arguments.of("proposal under another facility", valid("proposal").put("facility", "ill"), "id"));
    for (String type : List.of("facility", "proposal", "member", "staff", "dataset")) {
      JsonObject v = valid(type);
      for (String field : v.fieldNames()) {
        if (v.getValue(field) instanceof String s && !field.equals("type")) {
          out.add(Arguments.of(type + "." + field + " with NUL", v.copy().put(field, s + "\u0000x"), field));
        }
      }
    }
    out.add(Arguments.of("storage.path with NUL", valid("dataset").put("storage",
        new JsonObject().put("site", "gpfs").put("path", "/a\u0000b")), "storage.path"));
    out.add(Arguments.of("storage.site with NUL", valid("dataset").put("storage",
        new JsonObject().put("site", "g\u0000").put("path", "/a")), "storage.site"));
    return out.stream();
  }

  @ParameterizedTest(name = "ingest: {0}")
  @MethodSource("poisoned")
  void ingestWhenAFieldCannotBeStoredThen400NamingItAndNothingWritten(String what, JsonObject line, String field)
      throws Exception {
    long before = head();
    HttpResponse<String> r = admin.ndjson(line.encode() + "\n");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("reason")).startsWith(field + ":");
    assertThat(problem.getLong("committedLines")).isZero();
    assertThat(head()).isEqualTo(before);
  }

  /** The same record through its per-entity route: keys in the path, the rest in the body. */
  static HttpResponse<String> perEntity(JsonObject line) {
    JsonObject body = line.copy();
    body.remove("type");
    String type = line.getString("type");
    return switch (type) {
      case "facility" -> admin.send("PUT", "/v1/facilities/" + enc(body.remove("id")), body.encode());
      case "proposal" -> admin.send("PUT", "/v1/proposals/" + enc(body.remove("id")), body.encode());
      case "member" -> admin.send("PUT", "/v1/members/" + enc(body.remove("proposal")) + "/" + enc(body.remove("user")),
          body.encode());
      case "staff" -> admin.send("PUT", "/v1/staff/" + enc(body.remove("facility")) + "/" + enc(body.remove("user"))
          + "/" + enc(body.remove("role")), null);
      case "dataset" -> admin.send("PUT", "/v1/datasets/" + enc(body.remove("pid")), body.encode());
      case "delete" -> admin.send("DELETE", "/v1/datasets/" + enc(body.getString("pid")), null);
      default -> throw new IllegalArgumentException(type);
    };
  }

  static String enc(Object value) {
    return java.net.URLEncoder.encode(String.valueOf(value), java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20").replace("%2F", "/");
  }

  @ParameterizedTest(name = "per entity: {0}")
  @MethodSource("poisoned")
  void perEntityWhenAFieldCannotBeStoredThen400NamingItAndNothingWritten(String what, JsonObject line, String field)
      throws Exception {
    long before = head();
    HttpResponse<String> r = perEntity(line);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
    assertThat(head()).isEqualTo(before);
  }

  @Test
  void perEntityWhenValidRecordsThenWritten() {
    for (String type : List.of("facility", "proposal", "member", "staff", "dataset")) {
      HttpResponse<String> r = perEntity(valid(type));
      assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(204);
    }
  }

  @Test
  void pathKeysWhenControlCharactersOrTooLongThen400NamingThem() throws Exception {
    long before = head();
    Map<String, String> cases = Map.of(
        "DELETE /v1/datasets/a%00b", "pid",
        "GET /v1/datasets/a%00b", "pid",
        "DELETE /v1/datasets/" + LONG_PID, "pid",
        "GET /v1/datasets/" + LONG_PID, "pid",
        "DELETE /v1/facilities/a%00b", "id",
        "DELETE /v1/proposals/a%01b", "id",
        "DELETE /v1/members/esrf:MX-2415/a%00b", "user",
        "DELETE /v1/staff/esrf/a%00b/admin", "user",
        "PUT /v1/staff/esrf/erik/boss", "role",
        "GET /v1/policies/a%00b", "facility");
    for (var c : cases.entrySet()) {
      String[] m = c.getKey().split(" ", 2);
      HttpResponse<String> r = admin.send(m[0], m[1], null);
      assertThat(r.statusCode()).as(c.getKey() + " " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
          .as(c.getKey()).isEqualTo(c.getValue());
    }
    assertThat(head()).isEqualTo(before);
    HttpResponse<String> q = admin.get("/v1/decisions?resource=%00");
    assertThat(q.statusCode()).as(q.body()).isEqualTo(400);
    assertThat(q.body()).contains("\"field\":\"resource\"");
    assertThat(admin.get("/v1/decisions?since=%2B10000-01-01T00:00:00Z").statusCode()).isEqualTo(400);
    HttpResponse<String> policy = Http.send(HttpRequest.newBuilder(URI.create(admin.base() + "/v1/policies/esrf"))
        .header("Authorization", "Bearer " + admin.token()).header("Content-Type", "application/yaml")
        .PUT(HttpRequest.BodyPublishers.ofString("name: x\u0000\nfacility: esrf\nrules: []\n")).build());
    assertThat(policy.statusCode()).isEqualTo(400);
  }

  @Test
  void concurrentDeletesWhenPidTooLongThenAll400AndTheCacheKeepsFollowing() throws Exception {
    long before = head();
    List<java.util.concurrent.CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(java.util.concurrent.CompletableFuture.supplyAsync(
          () -> admin.send("DELETE", "/v1/datasets/" + LONG_PID, null).statusCode()));
    }
    for (var f : all) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(400);
    }
    assertThat(head()).isEqualTo(before);
    // a later removal is honoured at once (its token answers)
    assertThat(admin.send("PUT", "/v1/members/esrf:MX-2415/zed", "{\"role\":\"co-proposer\"}").statusCode())
        .isEqualTo(204);
    assertThat(decide("zed", "read", "10.15151/ESRF-DC-2415001")).isTrue();
    HttpResponse<String> removed = admin.send("DELETE", "/v1/members/esrf:MX-2415/zed", null);
    assertThat(removed.statusCode()).isEqualTo(204);
    assertThat(decide("zed", "read", "10.15151/ESRF-DC-2415001")).isFalse();
  }

  static boolean decide(String user, String action, String pid) {
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid)).encode();
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getBoolean("decision");
  }

  @Test
  void crossFacilityDatasetWhenRefusedThenIllStaffGetNothingOnEsrfsEmbargoedData() throws Exception {
    String line = """
        {"type":"dataset","pid":"10.15151/ESRF-DC-2415009","proposal":"esrf:MX-2415","facility":"ill","created":"2025-03-12T14:00:00Z"}
        """;
    HttpResponse<String> r = admin.ndjson(line);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("facility: must be the facility of proposal esrf:MX-2415");
    HttpResponse<String> put = admin.send("PUT", "/v1/datasets/10.15151/ESRF-DC-2415001",
        "{\"proposal\":\"esrf:MX-2415\",\"facility\":\"ill\",\"created\":\"2025-03-12T14:00:00Z\"}");
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(put.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("facility");
    assertThat(admin.get("/v1/datasets/10.15151/ESRF-DC-2415009").statusCode()).isEqualTo(404);
    for (String action : List.of("read", "download", "publish", "annotate")) {
      assertThat(decide("carol", action, "10.15151/ESRF-DC-2415001")).as(action).isFalse();
    }
    assertThat(decide("erik", "publish", "10.15151/ESRF-DC-2415001")).isTrue();
    // moving a proposal that has datasets to another facility is refused by the store as well
    HttpResponse<String> move = admin.send("PUT", "/v1/proposals/esrf:MX-2415",
        "{\"facility\":\"ill\",\"end\":\"2025-03-14T08:00:00Z\"}");
    assertThat(move.statusCode()).isEqualTo(400);
  }

  @Test
  void datasetPathWhenPlusOrEncodedPercentThenPidDecodedOnce() {
    String body = "{\"proposal\":\"esrf:MX-2415\",\"facility\":\"esrf\",\"created\":\"2025-03-12T14:00:00Z\"}";
    assertThat(admin.send("PUT", "/v1/datasets/10.1/a+b", body).statusCode()).isEqualTo(204);
    HttpResponse<String> plus = admin.get("/v1/datasets/10.1/a+b");
    assertThat(plus.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(plus.body()).getString("pid")).isEqualTo("10.1/a+b");
    assertThat(admin.get("/v1/datasets/10.1/a%20b").statusCode()).isEqualTo(404);

    assertThat(admin.send("PUT", "/v1/datasets/10.1/%2541", body).statusCode()).isEqualTo(204);
    HttpResponse<String> percent = admin.get("/v1/datasets/10.1/%2541");
    assertThat(percent.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(percent.body()).getString("pid")).isEqualTo("10.1/%41");
    assertThat(admin.get("/v1/datasets/10.1/A").statusCode()).isEqualTo(404);
    assertThat(admin.send("DELETE", "/v1/datasets/10.1/%2541", null).statusCode()).isEqualTo(204);
    assertThat(admin.get("/v1/datasets/10.1/%2541").statusCode()).isEqualTo(404);
    assertThat(admin.send("DELETE", "/v1/datasets/10.1/a+b", null).statusCode()).isEqualTo(204);
    assertThat(admin.get("/v1/datasets/10.1/a+b").statusCode()).isEqualTo(404);
  }
}
