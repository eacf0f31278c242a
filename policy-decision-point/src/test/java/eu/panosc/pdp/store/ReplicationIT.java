package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.ChangeJson;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several PDP replicas on one database: A owns the embedded PostgreSQL, B and C connect to it as an
 * external server. B polls the change log only once an hour, so what B sees comes from notifications,
 * reconnects and consistency tokens; C polls every second (the default).
 */
class ReplicationIT {
  @TempDir
  static Path dirA;
  @TempDir
  static Path dirB;
  @TempDir
  static Path dirC;
  static LocalIssuer issuer;
  static Platform a;
  static Platform b;
  static Platform c;
  static PdpPlatform.Client adminA;
  static PdpPlatform.Client pdpB;
  static PdpPlatform.Client pdpC;
  static Pool sql;

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    a = PdpPlatform.start(dirA, issuer, false, Map.of());
    String url = "postgresql://postgres@127.0.0.1:" + a.database().target().port() + "/postgres";
    b = PdpPlatform.start(dirB, issuer, false, Map.of("database.url", url,
        "services.pdp.changePoll", "1h", "services.pdp.consistencyWait", "300ms"));
    c = PdpPlatform.start(dirC, issuer, false, Map.of("database.url", url));
    adminA = PdpPlatform.Client.of(a, issuer, "pdp:admin");
    pdpB = PdpPlatform.Client.of(b, issuer, "pdp:evaluate");
    pdpC = PdpPlatform.Client.of(c, issuer, "pdp:evaluate");
    sql = a.database().pool(a.vertx(), "pdp");
    HttpResponse<String> r = adminA.ndjson("""
        {"type":"facility","id":"rep","name":"Replicas","embargoYears":3}
        {"type":"proposal","id":"rep:P1","facility":"rep","title":"T","end":"2025-06-01T00:00:00Z"}
        {"type":"dataset","pid":"10.5555/REP-1","proposal":"rep:P1","facility":"rep","created":"2025-05-01T00:00:00Z"}
        """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String token = new JsonObject(r.body()).getString("consistencyToken");
    assertThat(token).startsWith("v1.");
    assertThat(r.headers().firstValue(ConsistencyToken.HEADER)).contains(token);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Platform p : new Platform[] {c, b, a}) {
      if (p != null) {
        p.stop().get(60, TimeUnit.SECONDS);
      }
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static String evaluation(String user) {
    return new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", "10.5555/REP-1"))
        .put("context", new JsonObject().put("time", "2026-01-01T00:00:00Z")).encode();
  }

  static boolean decide(PdpPlatform.Client pdp, String user) {
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", evaluation(user));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getBoolean("decision");
  }

  static boolean decide(PdpPlatform.Client pdp, String user, String token) {
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", evaluation(user), ConsistencyToken.HEADER, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getBoolean("decision");
  }

  /** Polls until {@code condition} holds; fails only when it never does (no time bound is asserted). */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("never happened: " + what);
  }

  static String put(String path, String json) {
    HttpResponse<String> r = adminA.send("PUT", path, json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    return r.headers().firstValue(ConsistencyToken.HEADER).orElseThrow();
  }

  static String delete(String path) {
    HttpResponse<String> r = adminA.send("DELETE", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    return r.headers().firstValue(ConsistencyToken.HEADER).orElseThrow();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A committed batch that nobody announces: the data, the log entry, no NOTIFY. */
  static long writeWithoutNotify(List<Change> changes, String dataSql, Tuple args) throws Exception {
    return await(sql.withTransaction(conn -> conn.preparedQuery(dataSql).execute(args)
        .compose(v -> conn.query("UPDATE change_counter SET seq = seq + 1 RETURNING seq").execute())
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(seq -> conn.preparedQuery("INSERT INTO change_log (seq, changes) VALUES ($1, $2)")
            .execute(Tuple.of(seq, ChangeJson.writeAll(changes))).map(seq))));
  }

  @Test
  void policyWhenUploadedThroughAThenAnotherReplicaUsesIt() throws Exception {
    HttpResponse<String> r = adminA.ndjson("""
        {"type":"facility","id":"rep2","name":"Replicas 2","embargoYears":3}
        {"type":"proposal","id":"rep2:P1","facility":"rep2","title":"T","end":"2025-06-01T00:00:00Z"}
        {"type":"dataset","pid":"10.5555/REP2-1","proposal":"rep2:P1","facility":"rep2","created":"2025-05-01T00:00:00Z","public":true}
        """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "anyone"))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", "10.5555/REP2-1")).encode();
    java.util.function.Supplier<JsonObject> onC = () -> new JsonObject(pdpC.post("/access/v1/evaluation", body).body());
    eventually("C knows the public dataset", () -> onC.get().getBoolean("decision"));
    assertThat(onC.get().getJsonObject("context").getJsonObject("reason_admin").getString("policy"))
        .startsWith("panosc-data@v");

    HttpResponse<String> put = adminA.yaml("/v1/policies/rep2", """
        name: rep2-closed
        facility: rep2
        actions: [read]
        rules:
          - id: nobody
            when: "false"
        """);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    eventually("C uses the policy stored through A", () -> "rep2-closed@v1".equals(
        onC.get().getJsonObject("context").getJsonObject("reason_admin").getString("policy")));
    assertThat(onC.get().getBoolean("decision")).isFalse();
  }

  @Test
  void membershipWhenRemovedThroughAThenEveryReplicaDenies() throws Exception {
    put("/v1/members/rep:P1/erin", "{\"role\":\"co-proposer\"}");
    eventually("B permits erin", () -> decide(pdpB, "erin"));
    eventually("C permits erin", () -> decide(pdpC, "erin"));
    delete("/v1/members/rep:P1/erin");
    eventually("B denies erin", () -> !decide(pdpB, "erin"));
    eventually("C denies erin", () -> !decide(pdpC, "erin"));
  }

  @Test
  void consistencyTokenWhenAsTokenOfAGivenToBThenTheDecisionIncludesThatWrite() {
    for (int i = 0; i < 5; i++) {
      String added = put("/v1/members/rep:P1/gina", "{\"role\":\"pi\"}");
      assertThat(decide(pdpB, "gina", added)).isTrue();
      String removed = delete("/v1/members/rep:P1/gina");
      assertThat(decide(pdpB, "gina", removed)).isFalse();
    }
  }

  @Test
  void consistencyTokenWhenMalformedThen400AndWhenNeverReachedThen503() {
    for (String bad : List.of("", "42", "v1.", "v1.-3", "v2.7", "v1.12345678901234567890", "v1.7,v1.8")) {
      HttpResponse<String> r = pdpB.post("/access/v1/evaluation", evaluation("erin"), ConsistencyToken.HEADER, bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(r.body()).isEqualTo("\"X-Consistency-Token is not a consistency token this PDP issued\"");
    }
    HttpResponse<String> future = pdpB.post("/access/v1/evaluations", evaluation("erin"), ConsistencyToken.HEADER,
        ConsistencyToken.of(999_999_999_999L));
    assertThat(future.statusCode()).isEqualTo(503);
    assertThat(future.headers().firstValue("Retry-After")).contains("1");
    assertThat(future.body()).startsWith("\"This PDP replica has not yet applied the write");
    // the search endpoints honour the token as well
    HttpResponse<String> search = pdpB.post("/access/v1/search/resource", """
        {"subject":{"type":"user","id":"erin"},"action":{"name":"read"},"resource":{"type":"dataset"}}""",
        ConsistencyToken.HEADER, "nonsense");
    assertThat(search.statusCode()).isEqualTo(400);
  }

  @Test
  void notificationWhenLostThenThePollCatchesUpAndATokenCatchesUpAtOnce() throws Exception {
    put("/v1/members/rep:P1/hal", "{\"role\":\"pi\"}");
    eventually("C permits hal", () -> decide(pdpC, "hal"));
    eventually("B permits hal", () -> decide(pdpB, "hal"));
    long seq = writeWithoutNotify(List.of(new Change.DeleteMember("rep:P1", "hal")),
        "DELETE FROM member WHERE proposal_id = $1 AND user_id = $2", Tuple.of("rep:P1", "hal"));
    // C finds it with its poll; B (hourly poll) only because the token makes it look
    eventually("C denies hal", () -> !decide(pdpC, "hal"));
    assertThat(decide(pdpB, "hal", ConsistencyToken.of(seq))).isFalse();
    assertThat(decide(pdpB, "hal")).isFalse();
  }

  @Test
  void logWhenPrunedBeforeAReplicaReadItThenTheReplicaReloadsEverything() throws Exception {
    put("/v1/members/rep:P1/ivy", "{\"role\":\"pi\"}");
    eventually("B permits ivy", () -> decide(pdpB, "ivy"));
    long seq = writeWithoutNotify(List.of(new Change.DeleteMember("rep:P1", "ivy")),
        "DELETE FROM member WHERE proposal_id = $1 AND user_id = $2", Tuple.of("rep:P1", "ivy"));
    await(sql.query("DELETE FROM change_log").execute());
    double reloads = b.registry().counter(CacheFollower.METER_RELOADS).count();
    assertThat(decide(pdpB, "ivy", ConsistencyToken.of(seq))).isFalse();
    assertThat(b.registry().counter(CacheFollower.METER_RELOADS).count()).isGreaterThan(reloads);
  }

  @Test
  void listenerWhenItsConnectionIsKilledThenItReconnectsAndCatchesUp() throws Exception {
    put("/v1/members/rep:P1/jo", "{\"role\":\"pi\"}");
    eventually("B permits jo", () -> decide(pdpB, "jo"));
    int killed = await(sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        + " WHERE query = 'LISTEN pdp_changes' AND pid <> pg_backend_pid()").execute()).size();
    assertThat(killed).isEqualTo(3);
    delete("/v1/members/rep:P1/jo");
    eventually("B denies jo", () -> !decide(pdpB, "jo"));
    eventually("three replicas listen again", () -> {
      try {
        return await(sql.query("SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN pdp_changes'")
            .execute()).iterator().next().getLong(0) == 3;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** A batch stored as an older writer (or a hand-made fix) could have stored it, announced to every replica. */
  static long injectBatch(String changesJson) throws Exception {
    return await(sql.withTransaction(conn -> conn.query("UPDATE change_counter SET seq = seq + 1 RETURNING seq")
        .execute().map(rows -> rows.iterator().next().getLong(0))
        .compose(seq -> conn.preparedQuery("INSERT INTO change_log (seq, changes) VALUES ($1, $2::jsonb)")
            .execute(Tuple.of(seq, changesJson))
            .compose(v -> conn.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(ChangeLog.CHANNEL,
                Long.toString(seq))))
            .map(seq))));
  }

  static int ready(Platform p) {
    return eu.panosc.platform.testing.Http.get(p.baseUrl() + "/pdp/health/ready").statusCode();
  }

  static double applyFailures(Platform p) {
    return p.registry().counter(CacheFollower.METER_APPLY_FAILURES).count();
  }

  @Test
  void changeWhenAStoredBatchCannotBeAppliedThenReplicasReloadAndALaterRemovalIsHonoured() throws Exception {
    put("/v1/members/rep:P1/kim", "{\"role\":\"pi\"}");
    eventually("B permits kim", () -> decide(pdpB, "kim"));
    eventually("C permits kim", () -> decide(pdpC, "kim"));
    double failuresB = applyFailures(b);
    double failuresC = applyFailures(c);
    // what the outside test got stored before writes were checked: a 600-character PID, an end in year 999999999
    injectBatch(new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "delete").put("entity", "dataset")
        .put("pid", "10.5555/" + "x".repeat(600))).encode());
    injectBatch(new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "proposal").put("id", "rep:P1")
        .put("facility", "rep").put("end", "+999999999-01-01T00:00:00Z")).encode());
    injectBatch("[\"not a record\"]");

    String removed = delete("/v1/members/rep:P1/kim");
    // B follows only by notification and token: the token is answered (no 503) with the removal applied
    assertThat(decide(pdpB, "kim", removed)).isFalse();
    eventually("C denies kim", () -> !decide(pdpC, "kim"));
    assertThat(applyFailures(b)).isGreaterThan(failuresB);
    assertThat(applyFailures(c)).isGreaterThan(failuresC);
    for (Platform p : List.of(a, b, c)) {
      eventually("ready again", () -> ready(p) == 200);
    }
    // and the replicas keep following later writes
    String added = put("/v1/members/rep:P1/kim", "{\"role\":\"co-proposer\"}");
    assertThat(decide(pdpB, "kim", added)).isTrue();
    eventually("C permits kim again", () -> decide(pdpC, "kim"));
  }

  @Test
  void changeWhenTheReloadAfterABadBatchFailsThenNotReadyAndDeniesUntilAReloadSucceeds() throws Exception {
    put("/v1/members/rep:P1/lee", "{\"role\":\"pi\"}");
    eventually("B permits lee", () -> decide(pdpB, "lee"));
    await(sql.query("ALTER TABLE dataset RENAME TO dataset_away").execute());
    try {
      injectBatch("[{\"type\":\"dataset\",\"pid\":\"10.5555/REP-1\",\"created\":\"0000-01-01T00:00:00Z\"}]");
      eventually("B is not ready", () -> ready(b) == 503);
      assertThat(eu.panosc.platform.testing.Http.get(b.baseUrl() + "/pdp/health/ready").body())
          .contains("pdp-relation-cache");
      assertThat(decide(pdpB, "lee")).as("a replica that stopped following denies").isFalse();
    } finally {
      await(sql.query("ALTER TABLE dataset_away RENAME TO dataset").execute());
    }
    String token = put("/v1/members/rep:P1/lee", "{\"role\":\"co-proposer\"}");
    assertThat(decide(pdpB, "lee", token)).isTrue();
    eventually("B is ready", () -> ready(b) == 200);
    eventually("A is ready", () -> ready(a) == 200);
    eventually("C is ready", () -> ready(c) == 200);
  }
}
