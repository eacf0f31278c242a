package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up never fails on one stored row: rows that the checked write paths refuse today but an older
 * version stored (dates outside years 1..9999, a 600-character PID, control characters, a dataset filed under
 * another facility than its proposal's) are injected with raw SQL, then the control plane is restarted on the
 * same database. It starts, leaves exactly those rows out (counted), denies about them, and decides about the
 * rest as before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonedStoreIT {
  @TempDir
  static Path dataDir;
  static LocalIssuer issuer;
  static Platform platform;
  static PdpPlatform.Client admin;
  static PdpPlatform.Client pdp;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    HttpResponse<String> r = admin.ndjson("""
        {"type":"facility","id":"poi","name":"Poison","embargoYears":3}
        {"type":"facility","id":"ill2","name":"Other","embargoYears":3}
        {"type":"facility","id":"bell","name":"Bell","embargoYears":3}
        {"type":"proposal","id":"poi:GOOD","facility":"poi","end":"2025-06-01T00:00:00Z"}
        {"type":"proposal","id":"poi:FAR","facility":"poi","end":"2025-06-01T00:00:00Z"}
        {"type":"proposal","id":"bell:P1","facility":"bell","end":"2020-06-01T00:00:00Z"}
        {"type":"member","proposal":"poi:GOOD","user":"alice","role":"pi"}
        {"type":"staff","user":"ilda","facility":"ill2","role":"data-manager"}
        {"type":"staff","user":"poppy","facility":"poi","role":"data-manager"}
        {"type":"dataset","pid":"10.1/GOOD","proposal":"poi:GOOD","facility":"poi","created":"2025-05-01T00:00:00Z"}
        {"type":"dataset","pid":"10.1/FAR","proposal":"poi:FAR","facility":"poi","created":"2025-05-01T00:00:00Z","public":true}
        {"type":"dataset","pid":"10.1/BELL","proposal":"bell:P1","facility":"bell","created":"2020-05-01T00:00:00Z","public":true}
        """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    Pool sql = platform.database().pool(platform.vertx(), "pdp");
    String insertDataset = "INSERT INTO dataset (pid, proposal_id, facility_id, created_at, release_override, public)"
        + " VALUES ($1, $2, $3, $4::text::timestamptz, $5::text::timestamptz, true)";
    await(sql.withTransaction(conn -> conn.query("SET LOCAL session_replication_role = replica").execute()
        .compose(v -> conn.query("UPDATE proposal SET end_at = '10000-01-01 00:00:00+00' WHERE id = 'poi:FAR'")
            .execute())
        .compose(v -> conn.preparedQuery("UPDATE facility SET name = $1 WHERE id = 'bell'")
            .execute(Tuple.of("Be\u0007ll")))
        .compose(v -> conn.preparedQuery(insertDataset)
            .execute(Tuple.of("10.1/YEAR0", "poi:GOOD", "poi", "0001-01-01 00:00:00+00 BC", null)))
        .compose(v -> conn.preparedQuery(insertDataset)
            .execute(Tuple.of("10.1/RELEASE", "poi:GOOD", "poi", "2025-01-01 00:00:00+00", "10000-01-01 00:00:00+00")))
        .compose(v -> conn.preparedQuery(insertDataset)
            .execute(Tuple.of("10.1/" + "x".repeat(600), "poi:GOOD", "poi", "2025-01-01 00:00:00+00", null)))
        // ESRF's data filed under ILL: the cross-facility record of the outside test, stored before V4
        .compose(v -> conn.query("INSERT INTO dataset (pid, proposal_id, facility_id, created_at, public) VALUES "
            + "('10.1/CROSS', 'poi:GOOD', 'ill2', '2025-05-01 00:00:00+00', false)").execute())
        .compose(v -> conn.preparedQuery("INSERT INTO member (proposal_id, user_id, role) VALUES ($1, $2, 'pi')")
            .execute(Tuple.of("poi:GOOD", "bad\u0001user")))));
    await(sql.close());

    platform.stop().get(60, TimeUnit.SECONDS);
    platform = PdpPlatform.start(dataDir, issuer, false, Map.of());
    admin = PdpPlatform.Client.of(platform, issuer, "pdp:admin");
    pdp = PdpPlatform.Client.of(platform, issuer, "pdp:evaluate");
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static JsonObject evaluate(String user, String action, String pid) {
    String body = new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", user))
        .put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid)).encode();
    HttpResponse<String> r = pdp.post("/access/v1/evaluation", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static boolean decide(String user, String action, String pid) {
    return evaluate(user, action, pid).getBoolean("decision");
  }

  @Test
  @Order(1)
  void startWhenRowsCannotBeLoadedThenStartsCountsThemAndDecidesTheRest() {
    assertThat(Http.get(platform.baseUrl() + "/pdp/health/ready").statusCode()).isEqualTo(200);
    // unreadable: proposal poi:FAR, facility bell, datasets YEAR0, RELEASE, CROSS (not its proposal's facility),
    // the long PID, member bad\u0001user; held back: 10.1/FAR (its proposal), 10.1/BELL (its facility)
    assertThat(platform.registry().get(CacheFollower.METER_UNLOADABLE).gauge().value()).isEqualTo(9.0);
    assertThat(decide("alice", "read", "10.1/GOOD")).isTrue();
    assertThat(decide("poppy", "publish", "10.1/GOOD")).isTrue();
    assertThat(decide("mallory", "read", "10.1/GOOD")).isFalse();
  }

  @Test
  @Order(2)
  void startWhenADatasetOrItsProposalCannotBeLoadedThenDecisionsAboutItDeny() {
    for (String pid : new String[] {"10.1/FAR", "10.1/YEAR0", "10.1/RELEASE", "10.1/BELL"}) {
      assertThat(decide("anyone", "read", pid)).as(pid + " is public but cannot be loaded").isFalse();
      assertThat(decide("alice", "read", pid)).as(pid).isFalse();
    }
  }

  @Test
  @Order(3)
  void startWhenADatasetIsFiledUnderAnotherFacilityThenThatFacilitysStaffGetNothing() {
    for (String action : new String[] {"read", "download", "publish", "annotate"}) {
      assertThat(decide("ilda", action, "10.1/CROSS")).as(action).isFalse();
    }
    assertThat(admin.get("/v1/datasets/10.1/CROSS").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void writeWhenAnUnloadableRowIsWrittenAgainCorrectlyThenItsDatasetsAreDecidedAgain() {
    assertThat(decide("anyone", "read", "10.1/BELL")).isFalse();
    HttpResponse<String> r = admin.send("PUT", "/v1/facilities/bell", "{\"name\":\"Bell\",\"embargoYears\":3}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    assertThat(decide("anyone", "read", "10.1/BELL")).isTrue();
    // the cross-facility dataset can only be written back consistently
    HttpResponse<String> cross = admin.send("PUT", "/v1/datasets/10.1/CROSS",
        "{\"proposal\":\"poi:GOOD\",\"facility\":\"ill2\",\"created\":\"2025-05-01T00:00:00Z\"}");
    assertThat(cross.statusCode()).isEqualTo(400);
    assertThat(cross.body()).contains("\"field\":\"facility\"");
    assertThat(platform.registry().get(CacheFollower.METER_UNLOADABLE).gauge().value()).isEqualTo(8.0);
  }
}
