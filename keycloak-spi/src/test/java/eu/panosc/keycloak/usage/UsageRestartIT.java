package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingApplication;
import eu.panosc.keycloak.peers.FacilityRealms;
import eu.panosc.keycloak.peers.OidcFlows;
import eu.panosc.keycloak.peers.PanoscPeers;
import eu.panosc.keycloak.testing.FacilityKeycloak;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage queue across a REAL restart of Keycloak (the packaged jar in a Keycloak process): while accounting (the
 * real metrics-accounting, with the aai-broker issuing its tokens, in a platform of the test JVM) is unreachable, N
 * distinct tokens are issued (10 password grants: {@code LOGIN}; 10 client credentials grants: {@code CLIENT_LOGIN});
 * Keycloak is stopped, gracefully (SIGTERM) or with {@code kill -9} (SIGKILL to its java process right after the last
 * answer, with the default {@code fsync-interval-ms} 100, so the last records had most likely not been forced to
 * disk), and started again; then accounting comes back. Exactly the N queued records arrive (compared by idempotency
 * key, {@code source} + {@code recordId}, in accounting's table; none doubled, none lost, no other), without any new
 * event after the start, and the queue ends empty.
 *
 * <p>This test restarts Keycloak, so it runs a facility Keycloak of its own ({@link FacilityKeycloak#startOwn}: the
 * same home, jar and build options as the shared one, its own ports and queue directory), not the shared one, whose
 * in-memory realms the other test classes use. Keycloak runs on {@code dev-mem}: each restart loses the realm, so each
 * scenario creates it again (the queue is a set of files outside the database and needs no realm to be shipped).
 */
class UsageRestartIT {
  static final String REALM = "kcr-restart";
  static final String CLI = "kcr-cli";
  static final String SVC = "kcr-svc";
  static final int USERS = 10;
  static final int SERVICE_GRANTS = 10;
  static final int N = USERS + SERVICE_GRANTS;
  static final String MARKER = "===== KeycloakHarness: started again";

  @TempDir static Path dataDir;
  static Path queueDir;
  static KeycloakHarness keycloak;
  static Platform platform;

  @BeforeAll
  static void start() throws Exception {
    queueDir = Path.of("target", "panosc-usage-restart-" + ProcessHandle.current().pid()).toAbsolutePath();
    platform = PanoscPeers.start(dataDir);
    keycloak = FacilityKeycloak.startOwn(queueDir);
    System.out.println("UsageRestartIT: own facility Keycloak started in " + keycloak.startTime().toMillis() + " ms");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      PanoscPeers.stop(platform);
    } finally {
      if (keycloak != null && keycloak.isRunning()) {
        keycloak.stop(KeycloakHarness.Stop.GRACEFUL);
      }
    }
  }

  @Test
  void queuedRecordsArriveOnceAfterAGracefulStopAndStart() throws Exception {
    Set<String> queued = outageThenRestart(KeycloakHarness.Stop.GRACEFUL);
    assertThat(queued).hasSize(N);
  }

  @Test
  void queuedRecordsArriveOnceAfterKill9AndStart() throws Exception {
    Set<String> queued = outageThenRestart(KeycloakHarness.Stop.KILL);
    assertThat(queued).hasSize(N);
  }

  /**
   * Accounting down, N tokens, Keycloak stopped {@code how} and started again, accounting up: the N records arrive
   * exactly once. Answers their idempotency keys (record ids).
   */
  static Set<String> outageThenRestart(KeycloakHarness.Stop how) throws Exception {
    Path queue = queueDir.resolve(REALM + ".ndjson");
    if (platform == null) {
      platform = PanoscPeers.start(dataDir); // an earlier scenario failed half-way
    }
    if (!keycloak.isRunning()) {
      keycloak.startAgain();
    }
    Set<String> before = accountedRecordIds();
    assertThat(UsageAccountingIT.lines(queue)).as("nothing queued from an earlier scenario").isEmpty();

    // the realm (again: a restart of the dev-mem Keycloak lost it); then accounting and its token endpoint go down
    createRealm();
    PanoscPeers.stop(platform);
    platform = null;

    OidcFlows flows = new OidcFlows(keycloak.baseUrl(), REALM);
    for (int i = 1; i <= USERS; i++) {
      HttpResponse<String> r = flows.password(CLI, user(i), user(i) + "-pass");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    for (int i = 0; i < SERVICE_GRANTS; i++) {
      flows.clientCredentials(SVC, SVC + "-secret");
    }
    long javaPid = keycloak.javaPid();
    int exit = keycloak.stop(how); // for KILL: at once, within the 100 ms before the queue's next forced flush
    assertThat(ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false))
        .as("Keycloak's java process (pid %d) is gone, not only its kc.sh wrapper", javaPid).isFalse();
    String lastRun = lastRun(keycloak.log());
    if (how == KeycloakHarness.Stop.KILL) {
      assertThat(exit).as("the wrapper was killed by SIGKILL").isEqualTo(137);
      assertThat(lastRun).as("a killed Keycloak does not shut down").doesNotContainIgnoringCase("stopped in");
    } else {
      assertThat(lastRun).as("Keycloak shut down (Quarkus's shutdown message)").containsIgnoringCase("stopped in");
    }

    // every answered token's record is in the queue file, whole, none shipped (accounting was down)
    List<JsonObject> records = UsageAccountingIT.lines(queue).stream().map(JsonObject::new).toList();
    Set<String> ids = new TreeSet<>();
    records.forEach(r -> ids.add(r.getString("recordId")));
    assertThat(records).hasSize(N);
    assertThat(ids).as("distinct idempotency keys").hasSize(N);
    assertThat(ids).as("new keys, none accounted before").noneMatch(before::contains);
    assertThat(records).extracting(r -> r.getString("installation"))
        .containsOnly(REALM + "/" + CLI, REALM + "/" + SVC);
    assertThat(records.stream().filter(r -> (REALM + "/" + CLI).equals(r.getString("installation")))).hasSize(USERS);
    assertThat(records).extracting(r -> r.getString("source")).containsOnly("keycloak");

    // Keycloak again, accounting still down: the queue is found again, nothing cut or lost at the start
    keycloak.startAgain();
    assertThat(UsageAccountingIT.lines(queue)).as("the queue after the start").hasSize(N);

    // accounting back: the queued records arrive without any new event in Keycloak
    platform = PanoscPeers.start(dataDir);
    Set<String> expected = new HashSet<>(before);
    expected.addAll(ids);
    UsageAccountingIT.await(() -> accountedRecordIds().equals(expected),
        "the " + N + " queued records in accounting, and nothing else");
    UsageAccountingIT.await(() -> UsageAccountingIT.lines(queue).isEmpty(), "the queue drained");
    Thread.sleep(3_000); // a few ship intervals (200 ms) and a backoff (<= 2 s): nothing is sent again
    assertThat(accountedRecordIds()).isEqualTo(expected);
    assertThat(UsageAccountingIT.counter(UsageAccountingIT.DUPLICATE)).as("no record sent twice").isZero();
    assertThat(UsageAccountingIT.counter(UsageAccountingIT.ACCEPTED)).as("this accounting run accepted N")
        .isEqualTo(N);
    assertThat(UsageAccountingIT.lines(queue)).isEmpty();
    Path offset = queue.resolveSibling(queue.getFileName() + ".offset");
    assertThat(!Files.exists(offset) || "0".equals(Files.readString(offset, StandardCharsets.US_ASCII).trim()))
        .as("the queue fully acknowledged (offset 0 after the truncation)").isTrue();
    return ids;
  }

  static void createRealm() {
    JsonArray users = new JsonArray();
    for (int i = 1; i <= USERS; i++) {
      users.add(FacilityRealms.user(user(i), user(i) + "-pass"));
    }
    new FacilityRealms(keycloak).create(new JsonObject().put("realm", REALM).put("enabled", true)
        .put("eventsListeners", new JsonArray().add("jboss-logging").add(UsageEventListenerProviderFactory.ID))
        .put("clients", new JsonArray()
            .add(new JsonObject().put("clientId", CLI).put("publicClient", true).put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", true))
            .add(new JsonObject().put("clientId", SVC).put("secret", SVC + "-secret").put("publicClient", false)
                .put("standardFlowEnabled", false).put("serviceAccountsEnabled", true)))
        .put("users", users));
  }

  static String user(int i) {
    return String.format("user%02d", i);
  }

  /** The keys of this realm's records stored by accounting (its primary key: one row per key). */
  static Set<String> accountedRecordIds() {
    Pool pool = platform.database().pool(platform.vertx(), new AccountingApplication().schema());
    try {
      Set<String> ids = new HashSet<>();
      for (Row row : pool.preparedQuery("SELECT record_id FROM usage_record WHERE source = $1 AND installation LIKE $2")
          .execute(Tuple.of("keycloak", REALM + "/%")).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS)) {
        assertThat(ids.add(row.getString("record_id"))).isTrue();
      }
      return ids;
    } catch (Exception e) {
      throw new IllegalStateException("reading accounting's records", e);
    } finally {
      pool.close();
    }
  }

  /** The log since the last start (after the harness's marker line). */
  static String lastRun(Path log) throws java.io.IOException {
    String all = Files.readString(log, StandardCharsets.UTF_8);
    int at = all.lastIndexOf(MARKER);
    return at < 0 ? all : all.substring(at);
  }
}
