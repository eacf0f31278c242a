package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on embedded PostgreSQL with the COPY ingest path ({@link CopyBatchWriter} over JDBC); the
 * replica is a second pool and a second set of JDBC connections (another process's). Also the path's own journal:
 * a new batch's row carries its COPY text (V6), a checked retry's row the arrays, and the worker applies both.
 */
class CopyAccountingStoreIT extends AccountingStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 8);
  private static final List<PgAccountingStore> OPENED = new ArrayList<>();
  private static PgAccountingStore store;

  @Override
  synchronized AccountingStore store() {
    if (store == null) {
      store = open(DB.shared());
    }
    return store;
  }

  @Override
  AccountingStore replica() {
    return open(DB.pool());
  }

  private static synchronized PgAccountingStore open(io.vertx.sqlclient.Pool pool) {
    PgAccountingStore s = PgAccountingStore.withCopy(pool, new RollupWorker(pool), DB.vertx(), DB.target(),
        "accounting", 2);
    OPENED.add(s);
    return s;
  }

  /** This test's journal rows: {payload rows, array rows, their records}. */
  long[] journal() {
    Row r = DB.shared().preparedQuery("SELECT count(*) FILTER (WHERE payload IS NOT NULL) AS p, count(*) FILTER "
        + "(WHERE sign IS NOT NULL) AS a, coalesce(sum(records), 0)::bigint AS n FROM rollup_pending WHERE "
        + "strpos(payload, $1) > 0 OR $1 = ANY(facility)").execute(Tuple.of(facility)).await().iterator().next();
    return new long[] {r.getLong("p"), r.getLong("a"), r.getLong("n")};
  }

  @Test
  void ingestWhenNewBatchThenOneJournalRowWithItsCopyTextThatAnotherWorkerAppliesOnce() {
    Pool dying = DB.pool();
    PgAccountingStore writer = open(dying);
    assertThat(ingest(writer, rec("a", "2026-11-05T10:30:00Z", "2026-11-05T12:30:00Z", "8"),
        rec("b", "2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z", "2", false, "u2", "p2"),
        rec("c", "2026-11-30T23:00:00Z", "2026-12-01T01:00:00.5Z", "3.25", true, "u3", "p1")))
        .isEqualTo(new IngestOutcome(3, 3, 0, 0, 0, 0));
    assertThat(journal()).as("one row, the COPY text form, 3 records").containsExactly(1, 0, 3);
    Row summary = DB.shared().preparedQuery("SELECT j.hours = s.hours AND j.first_start = s.first AND "
        + "j.last_end = s.last AS same, j.sign IS NULL AND j.facility IS NULL AS no_arrays FROM rollup_pending j, "
        + "(SELECT sum(ceil(extract(epoch FROM end_at - start_at) / 3600)::bigint + 3) AS hours, min(start_at) AS "
        + "first, max(end_at) AS last FROM usage_record WHERE facility = $1) s WHERE strpos(j.payload, $1) > 0")
        .execute(Tuple.of(facility)).await().iterator().next();
    assertThat(summary.getBoolean("same")).as("the summary equals the SQL aggregates of the array form").isTrue();
    assertThat(summary.getBoolean("no_arrays")).isTrue();
    writer.close();
    dying.close().await(); // the writing process is gone before any roll-up

    assertThat(new RollupWorker(DB.pool()).drain().await()).isGreaterThanOrEqualTo(3);
    assertThat(journal()).containsExactly(0, 0, 0);
    assertThat(total("2026-11-01T00:00:00Z..2027-01-01T00:00:00Z", Granularity.MONTH)).as("8 + 2 + 3.25")
        .isEqualByComparingTo("13.25");
    assertThat(total("2026-11-05T10:00:00Z..2026-11-05T13:00:00Z", Granularity.HOUR)).isEqualByComparingTo("10");
    assertThat(total("2026-12-01T00:00:00Z..2026-12-01T01:00:00Z", Granularity.HOUR)).as("c's share past midnight")
        .isGreaterThan(java.math.BigDecimal.ZERO);
    assertThat(report("2026-11-01T00:00:00Z..2027-01-01T00:00:00Z", Granularity.MONTH).getFirst().uniqueUsers())
        .isEqualTo(3);
    assertThat(new RollupWorker(DB.pool()).drain().await()).as("nothing applied twice").isZero();
    assertThat(total("2026-11-01T00:00:00Z..2027-01-01T00:00:00Z", Granularity.MONTH)).as("8 + 2 + 3.25")
        .isEqualByComparingTo("13.25");
  }

  @Test
  void ingestWhenAKeyIsStoredThenRetriedCheckedJournaledAsArraysAndBothFormsAppliedInOneStep() {
    assertThat(ingest(store(), rec("a", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "1"),
        rec("vm", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "24", true, "u1", "p1")))
        .isEqualTo(new IngestOutcome(2, 2, 0, 0, 0, 0));
    assertThat(ingest(store(), rec("a", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "1"),
        rec("vm", "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "48", true, "u2", "p1"),
        rec("b", "2026-11-06T10:00:00Z", "2026-11-06T11:00:00Z", "5", false, "u3", "p1")))
        .as("a duplicate, the vm replaced, b new").isEqualTo(new IngestOutcome(3, 1, 1, 1, 0, 0));
    // the first batch's row (text) and the retry's (arrays: b, and the vm's -1 and +1 together in a row of its own)
    long[] j = journal();
    assertThat(j[0]).isEqualTo(1);
    assertThat(j[1]).as("b's row, the vm's -1/+1 row").isEqualTo(2);
    assertThat(j[2]).as("+1 entries: a, vm; b, vm's new version").isEqualTo(4);

    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).as("1 + 48 + 5")
        .isEqualByComparingTo("54");
    assertThat(journal()).containsExactly(0, 0, 0);
    assertThat(report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH).getFirst().uniqueUsers())
        .as("u1 (a), u2 (the vm's latest), u3 (b)").isEqualTo(3);
  }

  @Test
  void journalWhenARowHasNeitherOrBothFormsThenTheDatabaseRefusesIt() {
    for (String row : new String[] {"NULL, NULL", "'x', ARRAY[1]::int2[]"}) {
      Throwable refused = DB.shared().query("INSERT INTO rollup_pending (records, hours, first_start, last_end, "
          + "payload, sign) VALUES (1, 3, now(), now(), " + row + ")").execute().toCompletionStage()
          .toCompletableFuture().handle((v, e) -> e).join();
      assertThat(refused).as(row).isInstanceOf(PgException.class);
      assertThat(((PgException) refused).getSqlState()).as(row).isEqualTo("23514");
    }
  }

  @AfterAll
  static synchronized void closeStores() {
    OPENED.forEach(PgAccountingStore::close);
    OPENED.clear();
    store = null;
  }
}
