package eu.panosc.pdp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.store.PgPdpStore;
import eu.panosc.pdp.store.Snapshot;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk NDJSON ingest, per-entity writes and policy uploads against a real platform (no demo data). */
class IngestIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client admin;
  static PdpPlatform.Client pdp;
  static PgPdpStore store;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
    store = new PgPdpStore(platform.database().pool(platform.vertx(), "pdp"));
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get();
    issuer.close();
  }

  static Snapshot snapshot() throws Exception {
    return store.snapshot().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static String export(String prefix, int datasets) {
    StringBuilder nd = new StringBuilder();
    nd.append("{\"type\":\"facility\",\"id\":\"").append(prefix).append("\",\"name\":\"F\",\"embargoYears\":3}\n");
    nd.append("{\"type\":\"proposal\",\"id\":\"").append(prefix).append(":P1\",\"facility\":\"").append(prefix)
        .append("\",\"title\":\"T\",\"start\":\"2024-01-01T00:00:00Z\",\"end\":\"2024-01-05T00:00:00Z\"}\n");
    nd.append("\n");  // blank lines are allowed
    nd.append("{\"type\":\"member\",\"proposal\":\"").append(prefix).append(":P1\",\"user\":\"u1@").append(prefix)
        .append("\",\"role\":\"pi\",\"orcid\":\"0000-0001-0000-0001\"}\n");
    nd.append("{\"type\":\"staff\",\"user\":\"s1@").append(prefix).append("\",\"facility\":\"").append(prefix)
        .append("\",\"role\":\"data-manager\"}\n");
    for (int i = 0; i < datasets; i++) {
      nd.append(new JsonObject().put("type", "dataset").put("pid", prefix + "/ds-" + i).put("proposal", prefix + ":P1")
          .put("facility", prefix).put("instrument", prefix + ":i").put("created", "2024-01-02T00:00:00Z")
          .put("public", false).put("storage", new JsonObject().put("site", "s").put("path", "/p/" + i))
          .put("sizeBytes", i).encode()).append('\n');
    }
    return nd.toString();
  }

  @Test
  void ingestWhenSameExportTwiceThenSameState() throws Exception {
    String nd = export("idem", 2500);
    HttpResponse<String> first = admin.ndjson(nd);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonObject summary = new JsonObject(first.body());
    assertThat(summary.getLong("changes")).isEqualTo(2504);
    assertThat(summary.getLong("batches")).isEqualTo(3);
    Snapshot before = snapshot();
    assertThat(admin.ndjson(nd).statusCode()).isEqualTo(200);
    assertThat(snapshot()).isEqualTo(before);
    assertThat(before.datasets().stream().filter(d -> d.pid().startsWith("idem/")).count()).isEqualTo(2500);
  }

  @Test
  void ingestWhenBadLineThenLineReportedAndItsBatchNotWritten() throws Exception {
    String[] lines = export("bad", 1500).split("\n", -1);
    int badLine = 1203;
    lines[badLine - 1] = "{\"type\":\"dataset\",\"pid\":\"bad/x\",\"proposal\":\"bad:P1\",\"facility\":\"bad\",\"created\":\"soon\"}";
    HttpResponse<String> r = admin.ndjson(String.join("\n", lines));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getLong("line")).isEqualTo(badLine);
    assertThat(problem.getLong("committedLines")).isEqualTo(1001);
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("reason")).startsWith("created:");
    Snapshot s = snapshot();
    // a batch is 1000 records; with one blank line the first ends at line 1001 (dataset 995): committed
    assertThat(s.datasets()).anyMatch(d -> d.pid().equals("bad/ds-995"));
    assertThat(s.datasets()).noneMatch(d -> d.pid().equals("bad/ds-996"));
    assertThat(s.datasets()).noneMatch(d -> d.pid().equals("bad/ds-1100"));
  }

  @Test
  void ingestWhenUnknownReferenceThenBatchRejected() throws Exception {
    String nd = export("ref", 3) + "{\"type\":\"member\",\"proposal\":\"ref:NOPE\",\"user\":\"x\",\"role\":\"pi\"}\n";
    HttpResponse<String> r = admin.ndjson(nd);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getLong("committedLines")).isZero();
    assertThat(snapshot().facilities()).noneMatch(f -> f.id().equals("ref"));
  }

  @Test
  void ingestWhenWrongContentTypeThen415() {
    assertThat(admin.post("/v1/ingest", "{}").statusCode()).isEqualTo(415);
  }

  static boolean decide(String user, String action, String pid) {
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", "2026-01-01T00:00:00Z")).encode();
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", body);
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body()).getBoolean("decision");
  }

  @Test
  void perEntityWritesWhenMembershipRevokedThenDeniedAtOnce() {
    assertThat(admin.send("PUT", "/v1/facilities/ent", "{\"name\":\"Ent\",\"embargoYears\":3}").statusCode()).isEqualTo(204);
    assertThat(admin.send("PUT", "/v1/proposals/ent:P1",
        "{\"facility\":\"ent\",\"title\":\"T\",\"end\":\"2025-06-01T00:00:00Z\"}").statusCode()).isEqualTo(204);
    assertThat(admin.send("PUT", "/v1/datasets/10.5555/ENT-1", """
        {"proposal":"ent:P1","facility":"ent","created":"2025-05-01T00:00:00Z","public":false}""").statusCode())
        .isEqualTo(204);
    assertThat(decide("erin", "read", "10.5555/ENT-1")).isFalse();
    assertThat(admin.send("PUT", "/v1/members/ent:P1/erin", "{\"role\":\"co-proposer\"}").statusCode()).isEqualTo(204);
    assertThat(decide("erin", "read", "10.5555/ENT-1")).isTrue();
    assertThat(decide("erin", "publish", "10.5555/ENT-1")).isFalse();
    assertThat(admin.send("DELETE", "/v1/members/ent:P1/erin", null).statusCode()).isEqualTo(204);
    assertThat(decide("erin", "read", "10.5555/ENT-1")).isFalse();

    assertThat(admin.send("PUT", "/v1/staff/ent/frank/data-manager", null).statusCode()).isEqualTo(204);
    assertThat(decide("frank", "publish", "10.5555/ENT-1")).isTrue();
    assertThat(admin.send("DELETE", "/v1/staff/ent/frank/data-manager", null).statusCode()).isEqualTo(204);
    assertThat(decide("frank", "publish", "10.5555/ENT-1")).isFalse();

    HttpResponse<String> ds = admin.get("/v1/datasets/10.5555%2FENT-1");
    assertThat(ds.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ds.body()).getString("releaseDate")).isEqualTo("2028-06-01T00:00:00Z");
    assertThat(admin.send("PUT", "/v1/datasets/10.5555/ENT-1", """
        {"proposal":"ent:P1","facility":"ent","created":"2025-05-01T00:00:00Z","releaseDate":"2025-12-31T23:59:59Z"}""")
        .statusCode()).isEqualTo(204);
    assertThat(decide("anyone", "read", "10.5555/ENT-1")).isTrue();
    assertThat(admin.send("DELETE", "/v1/datasets/10.5555/ENT-1", null).statusCode()).isEqualTo(204);
    assertThat(admin.get("/v1/datasets/10.5555/ENT-1").statusCode()).isEqualTo(404);

    assertThat(admin.send("PUT", "/v1/members/ent:P1/erin", "{\"role\":\"boss\"}").statusCode()).isEqualTo(400);
    assertThat(admin.send("PUT", "/v1/members/ent:NOPE/erin", "{\"role\":\"pi\"}").statusCode()).isEqualTo(409);
    assertThat(pdp.send("PUT", "/v1/members/ent:P1/erin", "{\"role\":\"pi\"}").statusCode()).isEqualTo(403);
  }

  @Test
  void policyUploadWhenInvalidThenRefusedWithLineAndPreviousActive() {
    String invalid = """
        name: ent2-policy
        facility: ent2
        rules:
          - id: all
            when: resource.public &&
        """;
    HttpResponse<String> r = admin.yaml("/v1/policies/ent2", invalid);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("file")).isEqualTo("ent2.yaml");
    assertThat(error.getInteger("line")).isEqualTo(5);
    assertThat(admin.get("/v1/policies/ent2").statusCode()).isEqualTo(404);

    String typeError = invalid.replace("resource.public &&", "staff(subject, 3).size() > 0");
    assertThat(admin.yaml("/v1/policies/ent2", typeError).statusCode()).isEqualTo(400);
    String unknown = invalid.replace("resource.public &&", "request.user == 'x'");
    HttpResponse<String> u = admin.yaml("/v1/policies/ent2", unknown);
    assertThat(u.statusCode()).isEqualTo(400);
    assertThat(u.body()).contains("undeclared reference");

    HttpResponse<String> ok = admin.yaml("/v1/policies/ent2", invalid.replace("resource.public &&", "true"));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getInteger("version")).isEqualTo(1);
    assertThat(admin.yaml("/v1/policies/ent2", invalid).statusCode()).isEqualTo(400);
    HttpResponse<String> active = admin.get("/v1/policies/ent2");
    assertThat(active.statusCode()).isEqualTo(200);
    assertThat(active.body()).contains("when: true");
    HttpResponse<String> again = admin.yaml("/v1/policies/ent2", invalid.replace("resource.public &&", "false"));
    assertThat(new JsonObject(again.body()).getInteger("version")).isEqualTo(2);
    assertThat(new JsonObject(admin.get("/v1/policies/ent2/versions").body()).getJsonArray("versions")).hasSize(2);
    assertThat(new JsonObject(admin.get("/v1/policies").body()).getJsonArray("policies").stream()
        .map(p -> ((JsonObject) p).getString("facility")).toList()).contains("*", "ent2");
    assertThat(admin.yaml("/v1/policies/other", invalid.replace("resource.public &&", "true")).statusCode())
        .isEqualTo(400);
  }
}
