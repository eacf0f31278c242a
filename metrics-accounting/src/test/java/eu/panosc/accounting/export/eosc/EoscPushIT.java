package eu.panosc.accounting.export.eosc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.panosc.accounting.export.eosc.FakeEoscService.Fault;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.PgAccountingStore;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.testing.MutableClock;
import eu.panosc.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The EOSC push against {@link FakeEoscService}, an in-test HTTP server standing in for the EOSC Accounting Service
 * (an external SaaS that cannot run here), on embedded PostgreSQL: every record arrives exactly once through 500s,
 * 429 with Retry-After, timeouts, closed connections, refused connections, a replica dying mid-send and two replicas
 * pushing at once; a late record is sent as a correction of the record already there; tokens are never logged.
 */
class EoscPushIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 8);
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final String facility = "f-" + UUID.randomUUID();
  FakeEoscService eosc;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void start() {
    DB.shared().query("DELETE FROM eosc_export").execute().await();
    eosc = new FakeEoscService(DB.vertx()).start();
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(EoscPusher.class)).addAppender(logs);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(EoscPusher.class)).detachAppender(logs);
    eosc.close();
  }

  Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("enabled", "true");
    c.put("url", eosc.url());
    c.put("tokenEndpoint", eosc.url() + "/token");
    c.put("clientId", FakeEoscService.CLIENT);
    c.put("clientSecret", FakeEoscService.SECRET);
    c.put("installations", Map.of(facility + "/hpc", "inst-A-" + facility, facility + "/cloud", "inst-B-" + facility));
    c.put("metricDefinitions", Map.of("cpu_core_hours", "def-cpu", "sessions", "def-sessions"));
    c.put("requestTimeout", "2s");
    c.put("backoffBase", "100ms");
    c.put("backoffMax", "1s");
    return c;
  }

  EoscPusher pusher(Pool pool, Map<String, Object> config) {
    EoscSettings s = EoscSettings.from(ConfigNode.of("services.accounting.eosc", config));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(s.requestTimeout()).build();
    var context = DB.vertx().getOrCreateContext();
    TokenSource tokens = s.tokenFile().<TokenSource>map(f -> new FileTokenSource(DB.vertx(), f))
        .orElseGet(() -> new ClientCredentialsTokenSource(http, context, s.tokenEndpoint().orElseThrow(),
            s.clientId().orElseThrow(), s.clientSecret().orElseThrow(), s.scope(), s.requestTimeout(), clock));
    return new EoscPusher(DB.vertx(), new PgEoscLedger(pool), new EoscClient(http, context,
        URI.create(eosc.url()), tokens, s.requestTimeout(), clock), s, clock,
        new Backoff(s.backoffBase(), s.backoffMax(), new Random(7)), meters);
  }

  EoscPusher pusher() {
    return pusher(DB.shared(), config());
  }

  UsageRecord rec(String id, String installation, String proposal, Metric metric, String start, String end,
      String value) {
    return new UsageRecord("broker", facility + "/" + id, facility, installation, null, null, "u-" + id, proposal,
        "mx", metric, Instant.parse(start), Instant.parse(end), new BigDecimal(value), false, false);
  }

  void ingest(UsageRecord... rs) {
    new PgAccountingStore(DB.shared()).ingest(List.of(rs), NOW).await();
  }

  /** October and November are closed on December 7th; December is not; gpu_hours and "other" are not mapped. */
  void usage() {
    ingest(rec("1", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10"),
        rec("2", "hpc", "P2", Metric.CPU_CORE_HOURS, "2026-10-11T10:00:00Z", "2026-10-11T12:00:00Z", "4"),
        rec("3", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-10-31T23:00:00Z", "2026-11-01T01:00:00Z", "6"),
        rec("4", "cloud", null, Metric.SESSIONS, "2026-11-03T08:00:00Z", "2026-11-03T08:00:00Z", "1"),
        rec("5", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", "5"),
        rec("6", "other", "P1", Metric.CPU_CORE_HOURS, "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", "5"),
        rec("7", "hpc", "P1", Metric.GPU_HOURS, "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", "5"));
  }

  /** The service's records as "installation definition group start..end=value", sorted. */
  List<String> held() {
    return eosc.metrics().stream().map(m -> m.getString("installation").replace("-" + facility, "") + " "
        + m.getString("metric_definition_id") + " " + m.getString("group_id", "-") + " "
        + m.getString("time_period_start") + ".." + m.getString("time_period_end") + "="
        + new BigDecimal(m.getValue("value").toString()).stripTrailingZeros().toPlainString()).sorted().toList();
  }

  static final List<String> EXPECTED = List.of(
      "inst-A def-cpu P1 2026-10-01T00:00:00Z..2026-11-01T00:00:00Z=13",
      "inst-A def-cpu P1 2026-11-01T00:00:00Z..2026-12-01T00:00:00Z=3",
      "inst-A def-cpu P2 2026-10-01T00:00:00Z..2026-11-01T00:00:00Z=4",
      "inst-B def-sessions - 2026-11-01T00:00:00Z..2026-12-01T00:00:00Z=1");

  /** Runs cycles, moving the clock on, until nothing is due (at most {@code rounds}). */
  void pushUntilSettled(EoscPusher p, int rounds) {
    for (int i = 0; i < rounds; i++) {
      p.runOnce().await();
      if (new PgEoscLedger(DB.shared()).rows().await().stream().allMatch(r -> r.desired().equals(r.sent()))) {
        return;
      }
      clock.advance(Duration.ofSeconds(5));
    }
  }

  List<EoscLedger.Row> ledger() {
    return new PgEoscLedger(DB.shared()).rows().await();
  }

  @Test
  void pushWhenServiceAnswersThenEachClosedMonthRecordSentOnceAndNeverAgain() {
    usage();
    EoscPusher p = pusher();
    assertThat(p.runOnce().await()).isEqualTo(4);
    assertThat(held()).containsExactlyElementsOf(EXPECTED);
    assertThat(p.runOnce().await()).isZero();
    clock.advance(Duration.ofDays(1));
    assertThat(pusher().runOnce().await()).as("a restarted pusher sends nothing again").isZero();
    assertThat(eosc.requests().stream().filter(r -> r.startsWith("POST /accounting-system"))).hasSize(4);
    assertThat(eosc.tokensIssued()).as("one token, kept for its lifetime").isEqualTo(1);
    assertThat(ledger()).allSatisfy(r -> {
      assertThat(r.sent()).isEqualByComparingTo(r.desired());
      assertThat(r.remoteId()).startsWith("m");
      assertThat(r.inFlight()).isFalse();
    });
  }

  @Test
  void pushWhenServiceFailsInEveryWayThenEachRecordArrivesExactlyOnce() {
    usage();
    EoscPusher p = pusher();
    eosc.stop(); // connection refused
    assertThat(p.runOnce().await()).isZero();
    assertThat(meters.get(EoscPusher.BACKLOG).gauge().value()).isEqualTo(4.0);
    assertThat(meters.get(EoscPusher.METER).tag("outcome", "failed").counter().count()).isEqualTo(4.0);
    assertThat(ledger()).allSatisfy(r -> {
      assertThat(r.inFlight()).as("a refused connection sent nothing").isFalse();
      assertThat(r.lastError()).contains("ConnectException");
    });
    eosc.start();
    eosc.fail(Fault.FAIL_500, Fault.FAIL_500_AFTER_STORE, Fault.RATE_LIMITED, Fault.SLOW_AFTER_STORE,
        Fault.CLOSE_AFTER_STORE, Fault.FAIL_500_AFTER_STORE);
    clock.advance(Duration.ofMinutes(1));
    pushUntilSettled(p, 30);
    assertThat(held()).containsExactlyElementsOf(EXPECTED);
    assertThat(meters.get(EoscPusher.BACKLOG).gauge().value()).isZero();
    assertThat(ledger()).allSatisfy(r -> assertThat(r.sent()).isEqualByComparingTo(r.desired()));
    assertThat(eosc.requests()).anyMatch(r -> r.startsWith("GET /accounting-system"));
  }

  @Test
  void pushWhenRateLimitedThenWaitsAtLeastRetryAfter() {
    ingest(rec("1", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10"));
    eosc.fail(Fault.RATE_LIMITED);
    EoscPusher p = pusher();
    assertThat(p.runOnce().await()).isZero();
    EoscLedger.Row row = ledger().getFirst();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.inFlight()).isFalse();
    assertThat(row.nextAttemptAt()).isAfterOrEqualTo(NOW.plusSeconds(2));
    assertThat(row.lastError()).contains("HTTP 429");
    clock.advance(Duration.ofMillis(1500));
    assertThat(p.runOnce().await()).as("Retry-After: 2 not yet over").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(p.runOnce().await()).isEqualTo(1);
    assertThat(eosc.metrics()).hasSize(1);
  }

  @Test
  void lateRecordWhenMonthAlreadySentThenCorrectedInPlaceNotAddedTwice() {
    usage();
    pusher().runOnce().await();
    ingest(rec("late", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z", "2.5"));
    clock.advance(Duration.ofHours(1));
    assertThat(pusher().runOnce().await()).isEqualTo(1);
    assertThat(held()).hasSize(4).contains("inst-A def-cpu P1 2026-10-01T00:00:00Z..2026-11-01T00:00:00Z=15.5");
    assertThat(eosc.requests()).containsOnlyOnce("PATCH /accounting-system/installations/inst-A-" + facility
        + "/metrics/" + eosc.metrics().stream().filter(m -> "P1".equals(m.getString("group_id"))
        && m.getString("time_period_start").startsWith("2026-10")).findFirst().orElseThrow().getString("metric_id"));
  }

  @Test
  void correctionWhenTheServiceDeletedTheRecordThenPostedAgainInFull() {
    usage();
    pusher().runOnce().await();
    String id = eosc.metrics().stream().filter(m -> "P2".equals(m.getString("group_id"))).findFirst().orElseThrow()
        .getString("metric_id");
    eosc.delete(id);
    ingest(rec("late", "hpc", "P2", Metric.CPU_CORE_HOURS, "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z", "1"));
    clock.advance(Duration.ofHours(1));
    pushUntilSettled(pusher(), 5);
    assertThat(held()).hasSize(4).contains("inst-A def-cpu P2 2026-10-01T00:00:00Z..2026-11-01T00:00:00Z=5");
  }

  @Test
  void replicaWhenDiedAfterPostingThenAnotherFindsTheRecordInsteadOfPostingAgain() {
    usage();
    PgEoscLedger ledger = new PgEoscLedger(DB.shared());
    ledger.refresh(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
        EoscSettings.from(ConfigNode.of("x", config())).installations(),
        EoscSettings.from(ConfigNode.of("x", config())).metricDefinitions()).await();
    List<LedgerEntry> claimed = ledger.claim("dead-replica", NOW, NOW.plusSeconds(60), 10).await();
    assertThat(claimed).hasSize(4);
    LedgerEntry reached = claimed.getFirst(); // its POST reached the service; the replica died before recording it
    eosc.store(reached.key().installationId(), EoscPusher.record(reached));
    EoscPusher other = pusher();
    assertThat(other.runOnce().await()).as("the lease still holds").isZero();
    clock.advance(Duration.ofSeconds(61));
    assertThat(other.runOnce().await()).isEqualTo(4);
    assertThat(held()).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void replicasWhenPushingAtOnceThenEachRecordOnce() {
    List<UsageRecord> many = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add(rec("r" + i, i % 2 == 0 ? "hpc" : "cloud", "P" + i, Metric.CPU_CORE_HOURS, "2026-11-10T10:00:00Z",
          "2026-11-10T11:00:00Z", Integer.toString(i + 1)));
    }
    ingest(many.toArray(UsageRecord[]::new));
    EoscPusher a = pusher(DB.pool(), config());
    EoscPusher b = pusher(DB.pool(), config());
    EoscPusher c = pusher(DB.pool(), config());
    List<Integer> sent = Future.all(a.runOnce(), b.runOnce(), c.runOnce()).await().list();
    assertThat(sent.stream().mapToInt(Integer::intValue).sum()).isEqualTo(120);
    assertThat(eosc.metrics()).hasSize(120);
    assertThat(eosc.metrics().stream().map(m -> m.getString("group_id")).distinct()).hasSize(120);
  }

  @Test
  void tokenWhenRefusedThenRecordWaitsAndNoTokenOrSecretIsLogged() throws Exception {
    ingest(rec("1", "hpc", "P1", Metric.CPU_CORE_HOURS, "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10"));
    Path file = dir.resolve("token");
    Files.writeString(file, "stale-token-abc\n");
    Map<String, Object> c = config();
    c.remove("tokenEndpoint");
    c.remove("clientId");
    c.remove("clientSecret");
    c.put("tokenFile", file.toString());
    EoscPusher p = pusher(DB.shared(), c);
    assertThat(p.runOnce().await()).isZero();
    assertThat(ledger().getFirst().lastError()).contains("HTTP 401").doesNotContain("stale-token-abc");
    assertThat(ledger().getFirst().inFlight()).isFalse();
    Files.writeString(file, FakeEoscService.TOKEN_PREFIX + "rotated\n");
    clock.advance(Duration.ofMinutes(1));
    assertThat(p.runOnce().await()).isEqualTo(1);
    assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
        .doesNotContain("stale-token-abc").doesNotContain("rotated").doesNotContain(FakeEoscService.SECRET));
    Map<String, Object> wrongSecret = config();
    wrongSecret.put("clientSecret", "not-the-secret");
    ingest(rec("2", "hpc", "P9", Metric.CPU_CORE_HOURS, "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "1"));
    assertThat(pusher(DB.shared(), wrongSecret).runOnce().await()).isZero();
    assertThat(ledger()).filteredOn(r -> r.sent() == null).singleElement().satisfies(r -> {
      assertThat(r.lastError()).contains("refused the client").doesNotContain("not-the-secret");
      assertThat(r.inFlight()).isFalse();
    });
  }

  @Test
  void retryAfterWhenDateOrSecondsThenParsed() {
    assertThat(EoscClient.retryAfter("120", NOW)).contains(Duration.ofMinutes(2));
    assertThat(EoscClient.retryAfter("Mon, 07 Dec 2026 10:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
    assertThat(EoscClient.retryAfter("Mon, 07 Dec 2026 09:00:00 GMT", NOW)).contains(Duration.ZERO);
    assertThat(EoscClient.retryAfter("soon", NOW)).isEqualTo(Optional.empty());
  }

  @Test
  void recordWhenSentThenValueWithoutTrailingZerosOrExponent() {
    LedgerEntry e = new LedgerEntry(new LedgerEntry.Key("i", "d", "P1", Instant.parse("2026-10-01T00:00:00Z")),
        Instant.parse("2026-11-01T00:00:00Z"), new BigDecimal("100.000000000000"), null, null, false, 0);
    assertThat(EoscPusher.record(e).encode()).isEqualTo("{\"metric_definition_id\":\"d\","
        + "\"time_period_start\":\"2026-10-01T00:00:00Z\",\"time_period_end\":\"2026-11-01T00:00:00Z\","
        + "\"value\":100,\"group_id\":\"P1\"}");
  }

  @Test
  void matchesWhenServiceRecordDiffersInAnyKeyThenNot() {
    LedgerEntry e = new LedgerEntry(new LedgerEntry.Key("i", "d", "", Instant.parse("2026-10-01T00:00:00Z")),
        Instant.parse("2026-11-01T00:00:00Z"), BigDecimal.ONE, null, null, true, 0);
    JsonObject m = EoscPusher.record(e);
    assertThat(EoscPusher.matches(e, m)).isTrue();
    assertThat(EoscPusher.matches(e, m.copy().put("group_id", "P1"))).isFalse();
    assertThat(EoscPusher.matches(e, m.copy().put("metric_definition_id", "other"))).isFalse();
    assertThat(EoscPusher.matches(e, m.copy().put("time_period_end", "2026-10-31T00:00:00Z"))).isFalse();
  }

  /**
   * Two replicas, each its pusher started under the accounting service's singleton {@code eosc-push} (the wiring of
   * AccountingApplication, default PostgreSQL election): only the leader pushes, so only one token is ever fetched
   * (each pusher has its own token source) and every record arrives once.
   */
  @Test
  void startWhenTwoReplicasUnderLeaderElectionThenOnlyTheLeaderPushes() throws Exception {
    usage();
    List<eu.panosc.platform.leader.Leadership> leaderships = new ArrayList<>();
    List<EoscPusher> pushers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Pool pool = DB.pool();
      var leadership = eu.panosc.platform.leader.Leadership.create(DB.vertx(),
          eu.panosc.platform.config.LeaderConfig.postgres(), pool, new SimpleMeterRegistry(), "accounting");
      leaderships.add(leadership);
      pushers.add(pusher(pool, config()).under(leadership.singleton("eosc-push")));
    }
    try {
      pushers.forEach(EoscPusher::start);
      long end = System.nanoTime() + 20_000_000_000L;
      while (!held().equals(EXPECTED) && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(held()).containsExactlyElementsOf(EXPECTED);
      Thread.sleep(1500); // the other replica's first cycle is due by now too
      assertThat(eosc.tokensIssued()).as("only the leading replica asked for a token").isEqualTo(1);
      assertThat(eosc.requests().stream().filter(r -> r.startsWith("POST /accounting-system"))).hasSize(4);
    } finally {
      for (EoscPusher p : pushers) {
        p.stop().await();
      }
      for (var l : leaderships) {
        l.close().await();
      }
    }
  }
}
