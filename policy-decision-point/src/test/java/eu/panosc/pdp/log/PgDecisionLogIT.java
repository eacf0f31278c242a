package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The decision log in pages (one {@code decision_log_page} row per written batch) on real PostgreSQL: values
 * that are special in JSON, SQL or text come back unchanged (NUL as U+FFFD), a batch of the largest size is one
 * page, lookups find exactly the matching rows through the page keys and return them newest first across pages
 * whose time spans overlap, and the purge removes exactly the rows beyond its limits, rewriting straddling pages.
 */
class PgDecisionLogIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("pdp", 4);

  static final OffsetDateTime AT = Instant.parse("2026-12-07T03:00:00Z").atOffset(ZoneOffset.UTC);

  static LogRows.Row row(UUID id, OffsetDateTime at, String subject, String resource, String text, String request) {
    return new LogRows.Row(id, at, "evaluation", null, text, text, "user", subject, "dataset", resource, text,
        request, false, text, 7, text, text, 500, text, null, false);
  }

  /** Texts that mean something to array literals ({, }, ",", \, quotes, NULL), to JSON and to SQL. */
  static final List<String> HOSTILE = List.of("NULL", "null", "", " ", "{}", "{a,b}", "\"quoted\"", "back\\slash",
      "a,b", "it's", "'; DROP TABLE decision_log; --", "ünïcödé ✓ 日本", "emoji 🧪🔬", "x".repeat(1024),
      "{\"json\": [1, 2]}", "tab\tand\nnewline", "\\N", "$1");

  @Test
  void insertWhenValuesAreSpecialInArraysOrJsonThenEveryOneComesBackUnchanged() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    List<LogRows.Row> rows = new ArrayList<>();
    for (String s : HOSTILE) {
      JsonObject request = new JsonObject().put("context", new JsonObject().put("note", s).put(s, List.of(s)));
      rows.add(row(DecisionIds.next(AT.toInstant()), AT, s, s, s, request.encode()));
    }
    // one row with every nullable column null
    UUID empty = DecisionIds.next(AT.toInstant());
    rows.add(new LogRows.Row(empty, AT, "evaluations", 3, null, null, null, null, null, null, null, "{}", null, null,
        null, null, null, null, null, null, true));
    table.insert(rows).await();

    for (LogRows.Row r : rows.subList(0, HOSTILE.size())) {
      JsonObject back = table.find(r.id()).await().orElseThrow();
      String s = r.caller();
      assertThat(back.getString("caller")).isEqualTo(s);
      assertThat(back.getString("requestId")).isEqualTo(s);
      assertThat(back.getString("action")).isEqualTo(s);
      assertThat(back.getJsonObject("subject").getString("id")).isEqualTo(s);
      assertThat(back.getJsonObject("resource").getString("id")).isEqualTo(s);
      assertThat(back.getJsonObject("policy").getString("name")).isEqualTo(s);
      assertThat(back.getJsonObject("policy").getInteger("version")).isEqualTo(7);
      assertThat(back.getJsonObject("policy").getString("rule")).isEqualTo(s);
      assertThat(back.getJsonObject("error").getString("message")).isEqualTo(s);
      assertThat(back.getJsonObject("request")).isEqualTo(new JsonObject(r.request()));
      assertThat(back.getBoolean("decision")).isFalse();
    }
    JsonObject nulls = table.find(empty).await().orElseThrow();
    assertThat(nulls.getInteger("item")).isEqualTo(3);
    assertThat(nulls.getBoolean("simulated")).isTrue();
    assertThat(nulls.containsKey("subject")).isFalse();
    assertThat(nulls.containsKey("decision")).isFalse();
    assertThat(nulls.containsKey("policy")).isFalse();
    assertThat(nulls.getJsonObject("request")).isEqualTo(new JsonObject());

    // the subject and resource lookups find the hostile values exactly, and only them
    for (String s : List.of("NULL", "{a,b}", "back\\slash", "'; DROP TABLE decision_log; --")) {
      List<PgDecisionLog.Keyed> bySubject = table.query(new DecisionQuery(List.of(s, "hmac:none"), null, null, null,
          null, null, 10, null)).await();
      assertThat(bySubject).extracting(k -> k.json().getJsonObject("subject").getString("id")).containsExactly(s);
      List<PgDecisionLog.Keyed> byResource = table.query(new DecisionQuery(null, s, null, null, null, null, 10, null))
          .await();
      assertThat(byResource).extracting(k -> k.json().getJsonObject("resource").getString("id")).containsExactly(s);
    }
  }

  @Test
  void insertWhenLargestBatchThenEveryRowWrittenAndPagedNewestFirstByResource() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    int n = 5_000;   // the largest batchSize the settings accept
    List<LogRows.Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      OffsetDateTime at = AT.plus(i, ChronoUnit.MICROS).plusHours(1);
      rows.add(row(DecisionIds.next(at.toInstant()), at, "hmac:" + (i % 50), "10.1/BATCH-" + (i % 7), "t" + i, "{}"));
    }
    table.insert(rows).await();

    // resource 10.1/BATCH-3: rows 3, 10, 17, ... newest first, paged by the keyset cursor without loss or repeat
    Set<UUID> expected = rows.stream().filter(r -> r.resourceId().equals("10.1/BATCH-3")).map(LogRows.Row::id)
        .collect(Collectors.toSet());
    List<UUID> seen = new ArrayList<>();
    DecisionQuery.Cursor after = null;
    OffsetDateTime previous = null;
    do {
      List<PgDecisionLog.Keyed> page = table.query(new DecisionQuery(null, "10.1/BATCH-3", null, null, null, null,
          100, after)).await();
      List<PgDecisionLog.Keyed> shown = page.size() > 100 ? page.subList(0, 100) : page;
      for (PgDecisionLog.Keyed k : shown) {
        OffsetDateTime t = OffsetDateTime.parse(k.json().getString("time"));
        assertThat(previous == null || !t.isAfter(previous)).isTrue();
        previous = t;
        seen.add(UUID.fromString(k.json().getString("id")));
      }
      after = page.size() > 100 ? shown.get(shown.size() - 1).cursor() : null;
    } while (after != null);
    assertThat(seen).hasSize(expected.size()).doesNotHaveDuplicates();
    assertThat(Set.copyOf(seen)).isEqualTo(expected);
  }

  @Test
  void insertWhenAValueHoldsNulThenItIsStoredAsReplacementAndTheRestOfTheBatchToo() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    UUID nul = DecisionIds.next(AT.toInstant());
    UUID plain = DecisionIds.next(AT.toInstant());
    String request = new JsonObject().put("context", new JsonObject().put("k\0ey", "va\0lue")
        .put("list", List.of("\0"))).encode();
    table.insert(List.of(row(nul, AT, "nul\0subject", "nul-resource", "a\0b", request),
        row(plain, AT, "plain-subject", "plain-resource", "plain", "{}"))).await();

    JsonObject back = table.find(nul).await().orElseThrow();
    assertThat(back.getString("caller")).isEqualTo("a\uFFFDb");
    assertThat(back.getJsonObject("subject").getString("id")).isEqualTo("nul\uFFFDsubject");
    assertThat(back.getJsonObject("request").getJsonObject("context").getString("k\uFFFDey")).isEqualTo("va\uFFFDlue");
    assertThat(back.getJsonObject("request").getJsonObject("context").getJsonArray("list").getString(0))
        .isEqualTo("\uFFFD");
    assertThat(table.find(plain).await()).isPresent();
  }

  @Test
  void findWhenIdIsNotOneThisLogIssuedOrAbsentThenEmpty() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    UUID written = DecisionIds.next(AT.toInstant());
    table.insert(List.of(row(written, AT, "find-subject", "find-resource", "find", "{}"))).await();
    assertThat(table.find(written).await()).isPresent();
    assertThat(table.find(UUID.randomUUID()).await()).isEmpty();                      // version 4: not ours
    assertThat(table.find(DecisionIds.next(AT.toInstant())).await()).isEmpty();       // same millisecond, not written
    assertThat(table.find(new UUID(written.getMostSignificantBits(), written.getLeastSignificantBits() ^ 1)).await())
        .isEmpty();
  }

  /** A page's body is never compressed with pglz (its cost per page exceeded all the rest): lz4, else stored as is. */
  @Test
  void bodyWhenStoredThenLz4WhereAvailableElseUncompressed() {
    io.vertx.sqlclient.Row column = DB.shared().query("SELECT a.attstorage::text, a.attcompression::text, "
        + "(SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression') AS lz4 "
        + "FROM pg_attribute a WHERE a.attrelid = 'decision_log_page'::regclass AND a.attname = 'body'").execute()
        .await().iterator().next();
    if (column.getBoolean("lz4")) {
      assertThat(column.getString("attcompression")).isEqualTo("l");
    } else {
      assertThat(column.getString("attstorage")).isEqualTo("e");
    }
  }

  /** The filter's SQL test (PostgreSQL's get_bit) agrees with the Java one for ids in the filter and not in it. */
  @Test
  void filterWhenTestedByPostgresqlThenItAgreesWithJava() {
    List<PageBloom.Hashes> in = new ArrayList<>();
    for (String s : HOSTILE) {
      in.add(PageBloom.hashes(s));
    }
    byte[] filter = PageBloom.of(in);
    String sql = "SELECT " + PageBloom.sqlMayContainAny("$1::bytea", 2, 2);
    int falsePositives = 0;
    for (int i = 0; i < 400; i++) {
      String present = HOSTILE.get(i % HOSTILE.size());
      String absent = "absent-" + i;
      PageBloom.Hashes p = PageBloom.hashes(present);
      PageBloom.Hashes a = PageBloom.hashes(absent);
      boolean both = DB.shared().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(
          io.vertx.core.buffer.Buffer.buffer(filter), p.h1(), p.h2(), a.h1(), a.h2())).await().iterator().next()
          .getBoolean(0);
      assertThat(both).isTrue();
      boolean onlyAbsent = DB.shared().preparedQuery("SELECT " + PageBloom.sqlMayContainAny("$1::bytea", 1, 2))
          .execute(io.vertx.sqlclient.Tuple.of(io.vertx.core.buffer.Buffer.buffer(filter), a.h1(), a.h2())).await()
          .iterator().next().getBoolean(0);
      assertThat(onlyAbsent).as(absent).isEqualTo(PageBloom.mayContain(filter, a));
      falsePositives += onlyAbsent ? 1 : 0;
    }
    assertThat(falsePositives).isLessThan(40);   // ~1 % expected
    assertThat(DB.shared().preparedQuery("SELECT " + PageBloom.sqlMayContainAny("$1::bytea", 1, 2))
        .execute(io.vertx.sqlclient.Tuple.of(null, 1L, 2L)).await().iterator().next().getBoolean(0)).isTrue();
  }

  /**
   * Two writers' pages overlap in time: page A holds the even microseconds, page B the odd ones and three rows at
   * the same instant as A's (ties broken by id). Every lookup, paged 3 at a time, returns exactly the matching rows
   * in the log's order (time, then id, newest first), without loss or repeat, also when the pages were written in
   * the other order.
   */
  @Test
  void queryWhenPagesOverlapInTimeThenRowsComeInGlobalOrderWithoutLossOrRepeat() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    String tag = UUID.randomUUID().toString();
    OffsetDateTime base = AT.plusDays(2);
    List<LogRows.Row> a = new ArrayList<>();
    List<LogRows.Row> b = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      OffsetDateTime at = base.plus(i * 2L, ChronoUnit.MICROS);
      a.add(row(DecisionIds.next(at.toInstant()), at, "s-" + tag + "-" + (i % 3), "r-" + tag, "a", "{}"));
      OffsetDateTime odd = base.plus(i * 2L + 1, ChronoUnit.MICROS);
      b.add(row(DecisionIds.next(odd.toInstant()), odd, "s-" + tag + "-" + (i % 3), "r-" + tag, "b", "{}"));
    }
    for (int i = 0; i < 3; i++) {
      OffsetDateTime tie = base.plus(i * 10L, ChronoUnit.MICROS);
      b.add(row(DecisionIds.next(tie.toInstant()), tie, "s-" + tag + "-tie", "r-" + tag, "b", "{}"));
    }
    table.insert(b.subList(0, 40)).await();
    table.insert(a).await();
    table.insert(b.subList(40, b.size())).await();
    List<LogRows.Row> all = new ArrayList<>(a);
    all.addAll(b);
    Comparator<LogRows.Row> newestFirst = Comparator.comparing(LogRows.Row::at).thenComparing(LogRows.Row::id)
        .reversed();

    List<UUID> expected = all.stream().sorted(newestFirst).map(LogRows.Row::id).toList();
    assertThat(pageThrough(table, null, "r-" + tag, 3)).isEqualTo(expected);

    List<String> subjects = List.of("s-" + tag + "-1", "s-" + tag + "-tie", "hmac:nobody");
    List<UUID> bySubject = all.stream().filter(r -> subjects.contains(r.subjectId())).sorted(newestFirst)
        .map(LogRows.Row::id).toList();
    assertThat(pageThrough(table, subjects, null, 3)).isEqualTo(bySubject);
    assertThat(pageThrough(table, subjects, "r-" + tag, 100)).isEqualTo(bySubject);
    assertThat(pageThrough(table, List.of("s-" + tag + "-none"), null, 3)).isEmpty();
  }

  static List<UUID> pageThrough(PgDecisionLog table, List<String> subjects, String resource, int limit) {
    List<UUID> seen = new ArrayList<>();
    DecisionQuery.Cursor after = null;
    do {
      List<PgDecisionLog.Keyed> page = table.query(new DecisionQuery(subjects, resource, null, null, null, null,
          limit, after)).await();
      List<PgDecisionLog.Keyed> shown = page.size() > limit ? page.subList(0, limit) : page;
      shown.forEach(k -> seen.add(UUID.fromString(k.json().getString("id"))));
      after = page.size() > limit ? shown.get(shown.size() - 1).cursor() : null;
    } while (after != null);
    return seen;
  }

  /**
   * Retention and maxRows remove exactly the rows beyond them: whole pages by DELETE, and the page straddling a
   * limit rewritten with only its rows within it (its span narrowed), so lookups and counts stay exact.
   */
  @Test
  void purgeWhenPagesStraddleTheLimitsThenExactlyTheRowsBeyondThemGo() {
    PgDecisionLog table = new PgDecisionLog(DB.shared());
    DB.shared().query("DELETE FROM decision_log_page").execute().await();
    OffsetDateTime base = AT.minusDays(10);
    List<LogRows.Row> all = new ArrayList<>();
    for (int page = 0; page < 4; page++) {
      List<LogRows.Row> rows = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        OffsetDateTime at = base.plusMinutes(page * 10L + i);
        rows.add(row(DecisionIds.next(at.toInstant()), at, "purge-" + i, "purge-resource", "p", "{}"));
      }
      table.insert(rows).await();
      all.addAll(rows);
    }
    // retention: minute 15 is the cutoff, inside the second page
    int purged = table.purge(base.plusMinutes(15).toInstant(), 1_000).await();
    assertThat(purged).isEqualTo(15);
    assertThat(count("true")).isEqualTo(25);
    assertThat(count("decided_at < '" + base.plusMinutes(15) + "'")).isZero();
    assertThat(DB.shared().query("SELECT min(first_at) FROM decision_log_page").execute().await().iterator().next()
        .getOffsetDateTime(0).toInstant()).isEqualTo(base.plusMinutes(15).toInstant());
    // maxRows 12 of the 25 left (minutes 15..19, 20..29, 30..39): the newest 12 stay, minutes 28..39
    assertThat(table.purge(base.minusDays(1).toInstant(), 12).await()).isEqualTo(13);
    List<UUID> left = pageThrough(table, null, "purge-resource", 100);
    assertThat(left).isEqualTo(all.subList(28, 40).reversed().stream().map(LogRows.Row::id).toList());
    assertThat(table.purge(base.minusDays(1).toInstant(), 12).await()).isZero();
    assertThat(DB.shared().query("SELECT sum(row_count) FROM decision_log_page").execute().await().iterator().next()
        .getLong(0)).isEqualTo(12);
  }

  static DecisionLogSettings writerSettings(int capacity, int batch, int writers) {
    return DecisionLogSettings.from(eu.panosc.platform.config.ConfigNode.of("services.pdp.decisionLog", Map.of(
        "queueCapacity", capacity, "batchSize", batch, "writers", writers, "flushInterval", "1h")));
  }

  static long count(String where) {
    return DB.shared().query("SELECT count(*) FROM decision_log WHERE " + where).execute().await().iterator().next()
        .getLong(0);
  }

  /** Runs {@code body} on one Vert.x context (the writer's), returning what it yields. */
  static <T> T onContext(Context context, java.util.function.Supplier<Future<T>> body) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> body.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out.get(60, TimeUnit.SECONDS);
  }

  @Test
  void writerWhenManyQueuedThenWritersInsertAtOnceAndEveryEntryIsWrittenOnce() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionLogSettings settings = writerSettings(20_000, 200, 3);
    DecisionQueue queue = new DecisionQueue(settings.queueCapacity(), meters);
    DecisionLogWriter writer = new DecisionLogWriter(DB.vertx(), new PgDecisionLog(DB.shared()), queue, settings,
        Clock.systemUTC(), meters);
    Context context = DB.vertx().getOrCreateContext();
    String caller = "writer-" + UUID.randomUUID();
    int n = 10_000;
    int lanes = onContext(context, () -> writer.start().map(v -> {
      for (int i = 0; i < n; i++) {
        LogEntry e = LogRowsTest.entry();
        writer.record(new LogEntry(e.id(), e.at(), e.kind(), i, caller, e.requestId(), e.request(), e.decision(),
            null));
      }
      writer.flush();
      return writer.lanes();
    }));
    assertThat(lanes).isEqualTo(3);
    onContext(context, writer::close);
    assertThat(count("caller = '" + caller + "'")).isEqualTo(n);
    assertThat(count("caller = '" + caller + "' AND item IS NOT NULL")).isEqualTo(n);
    assertThat(meters.counter(DecisionLogWriter.METER_WRITTEN).count()).isEqualTo(n);
    assertThat(meters.counter(DecisionQueue.METER_DROPPED).count()).isZero();
    assertThat(writer.lanes()).isZero();
  }

  @Test
  void writerWhenQueueFullThenNewEntriesDroppedCountedAndTheQueuedOnesWritten() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionLogSettings settings = writerSettings(10, 5, 2);
    DecisionQueue queue = new DecisionQueue(settings.queueCapacity(), meters);
    DecisionLogWriter writer = new DecisionLogWriter(DB.vertx(), new PgDecisionLog(DB.shared()), queue, settings,
        Clock.systemUTC(), meters);
    String caller = "overflow-" + UUID.randomUUID();
    List<UUID> ids = new ArrayList<>();
    // before start nothing is written: the queue of 10 takes the first 10, the next 15 are dropped, never blocking
    long t0 = System.nanoTime();
    for (int i = 0; i < 25; i++) {
      LogEntry e = LogRowsTest.entry();
      ids.add(e.id());
      writer.record(new LogEntry(e.id(), e.at(), e.kind(), i, caller, null, e.request(), e.decision(), null));
    }
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
    assertThat(meters.counter(DecisionQueue.METER_DROPPED).count()).isEqualTo(15);
    Context context = DB.vertx().getOrCreateContext();
    onContext(context, () -> writer.start().compose(v -> writer.close()));
    assertThat(count("caller = '" + caller + "'")).isEqualTo(10);
    assertThat(count("caller = '" + caller + "' AND item < 10")).isEqualTo(10);   // the oldest are kept
    assertThat(meters.counter(DecisionLogWriter.METER_WRITTEN).count()).isEqualTo(10);
  }

  @Test
  void writerWhenStartedApartThenOffTheEventLoopsCompletingOnTheCallersAndEveryEntryWritten() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionLogSettings settings = writerSettings(20_000, 100, 2);
    DecisionQueue queue = new DecisionQueue(settings.queueCapacity(), meters);
    DecisionLogWriter writer = new DecisionLogWriter(DB.vertx(), new PgDecisionLog(DB.shared()), queue, settings,
        Clock.systemUTC(), meters);
    Context caller = DB.vertx().getOrCreateContext();
    String callerName = "apart-" + UUID.randomUUID();
    int n = 1_050;
    boolean completedOnCaller = onContext(caller, () -> writer.startApart().map(v -> {
      for (int i = 0; i < n; i++) {
        LogEntry e = LogRowsTest.entry();
        writer.record(new LogEntry(e.id(), e.at(), e.kind(), i, callerName, null, e.request(), e.decision(), null));
      }
      return io.vertx.core.Vertx.currentContext() == caller;
    }));
    assertThat(completedOnCaller).isTrue();
    Context own = writer.context();
    assertThat(own.isEventLoopContext()).isFalse();
    assertThat(own.isWorkerContext()).isTrue();
    CompletableFuture<Thread> ownThread = new CompletableFuture<>();
    own.runOnContext(v -> ownThread.complete(Thread.currentThread()));
    CompletableFuture<Thread> callerThread = new CompletableFuture<>();
    caller.runOnContext(v -> callerThread.complete(Thread.currentThread()));
    assertThat(ownThread.get(10, TimeUnit.SECONDS)).isNotSameAs(callerThread.get(10, TimeUnit.SECONDS));
    assertThat(ownThread.get().getName()).doesNotContain("eventloop");
    onContext(caller, writer::close);   // close from the caller's context writes the rest on the writer's
    assertThat(count("caller = '" + callerName + "'")).isEqualTo(n);
    assertThat(meters.counter(DecisionLogWriter.METER_WRITTEN).count()).isEqualTo(n);
    assertThat(meters.counter(DecisionQueue.METER_DROPPED).count()).isZero();
  }
}
