package eu.panosc.accounting.store;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * The ingest path over PostgreSQL {@code COPY}, in one transaction ({@link JdbcConnections#inTransaction}): a crash
 * leaves nothing of it.
 *
 * <p>Two modes. The <b>fast</b> one (first attempt) assumes no key is stored yet: the batch's records are streamed
 * with {@code COPY} (text, {@link CopyText}) straight into {@code usage_record}, and the journal row is one
 * {@code INSERT} carrying the same COPY text as its payload (V6; the roll-up worker reads it back) with the batch's
 * summary computed here: two statements, no staging table, no aggregation in the database. The primary key refuses
 * a stored key (SQL state 23505), the whole transaction rolls back and the batch is retried in the <b>checked</b>
 * mode: the records are copied into a per-connection temporary staging table, the stored versions of the batch's
 * keys are locked ({@code FOR UPDATE}) and removed from the staging table, the rest moved into {@code usage_record}
 * with one {@code INSERT … SELECT} and journaled as arrays aggregated from the staging table; duplicates, stale and
 * replaced cumulative records are handled like {@link PgAccountingStore}'s path does (replacements journaled as
 * -1/+1 pairs). A retry of a batch therefore costs a second COPY, a new batch costs no conflict check at all.
 */
final class CopyBatchWriter {
  static final String STAGING = "ingest_staging";
  /** Created once per connection; emptied at every commit (and gone with a rollback). */
  static final String CREATE_STAGING = "CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " (source text, record_id text, "
      + "facility text, installation text, cluster text, session text, user_id text, proposal text, community text, "
      + "metric text, start_at timestamptz, end_at timestamptz, value numeric, cumulative boolean, late boolean) "
      + "ON COMMIT DELETE ROWS";
  private static final String STAGED_COLUMNS = CopyText.COLUMNS;
  /** The fast mode's COPY: straight into the records, with the receipt time as the last column. */
  private static final String COPY_RECORDS = "COPY usage_record (" + STAGED_COLUMNS + ", received_at) FROM STDIN";
  /** The fast mode's journal row: the summary and the COPY text itself (V6). */
  private static final String JOURNAL_PAYLOAD = "INSERT INTO rollup_pending (records, hours, first_start, last_end, "
      + "payload) VALUES (?, ?, ?, ?, ?)";
  private static final String COPY = "COPY " + STAGING + " (" + STAGED_COLUMNS + ") FROM STDIN";
  private static final String MOVE = "INSERT INTO usage_record (" + STAGED_COLUMNS + ", received_at) SELECT "
      + STAGED_COLUMNS + ", ? FROM " + STAGING;
  private static final String JOURNAL_STAGED = "INSERT INTO rollup_pending (" + PgAccountingStore.JOURNAL_COLUMNS
      + ") SELECT " + PgAccountingStore.JOURNAL_AGGREGATES + " FROM (SELECT 1::int2 AS s, facility, installation, "
      + "session, user_id, proposal, community, metric, start_at, end_at, value, late FROM " + STAGING + ") e "
      + "HAVING count(*) > 0";
  private static final String LOCK = "SELECT u.source, u.record_id, u.facility, u.installation, u.cluster, u.session, "
      + "u.user_id, u.proposal, u.community, u.metric, u.start_at, u.end_at, u.value::text, u.cumulative, u.late "
      + "FROM usage_record u JOIN " + STAGING + " b ON u.source = b.source AND u.record_id = b.record_id "
      + "ORDER BY u.source, u.record_id FOR UPDATE OF u";
  /** Only the keys locked: a key another writer commits later must still meet the primary key (and a retry). */
  private static final String UNSTAGE = "DELETE FROM " + STAGING + " WHERE (source, record_id) IN (SELECT * FROM "
      + "unnest(?::text[], ?::text[]))";
  private static final String REPLACE = "UPDATE usage_record SET facility = ?, installation = ?, cluster = ?, "
      + "session = ?, user_id = ?, proposal = ?, community = ?, metric = ?, start_at = ?, end_at = ?, "
      + "value = ?::numeric, late = ?, received_at = ? WHERE source = ? AND record_id = ?";
  private static final String JOURNAL_PAIRS = "INSERT INTO rollup_pending (" + PgAccountingStore.JOURNAL_COLUMNS
      + ") SELECT " + PgAccountingStore.JOURNAL_AGGREGATES + " FROM (SELECT s, f AS facility, i AS installation, "
      + "ss AS session, u AS user_id, p AS proposal, c AS community, m AS metric, st AS start_at, en AS end_at, "
      + "v::numeric AS value, l AS late FROM unnest(?::text[]::int2[], ?::text[], ?::text[], ?::text[], ?::text[], "
      + "?::text[], ?::text[], ?::text[], ?::text[]::timestamptz[], ?::text[]::timestamptz[], ?::text[], "
      + "?::text[]::bool[]) AS t(s, f, i, ss, u, p, c, m, st, en, v, l)) e";

  private CopyBatchWriter() {}

  /**
   * Writes {@code plan}'s records in the open transaction of {@code conn}; {@code checked} selects the mode. Throws
   * the database's error (23505 in the fast mode when a key is already stored) with nothing committed.
   */
  static IngestOutcome write(Connection conn, BatchPlan plan, int received, Instant receivedAt, boolean checked)
      throws SQLException {
    List<UsageRecord> rs = plan.unique;
    OffsetDateTime at = receivedAt.atOffset(ZoneOffset.UTC);
    if (!checked) {
      return fast(conn, rs, plan, received, receivedAt);
    }
    copy(conn, rs);
    int accepted = rs.size();
    int late = 0;
    int replaced = 0;
    int duplicates = plan.duplicates;
    int stale = plan.stale;
    List<UsageRecord[]> replacements = new ArrayList<>();
    Map<UsageRecord.Key, UsageRecord> stored = checked ? lockStored(conn) : Map.of();
    if (!stored.isEmpty()) {
      try (PreparedStatement st = conn.prepareStatement(UNSTAGE)) {
        st.setArray(1, conn.createArrayOf("text", stored.keySet().stream().map(UsageRecord.Key::source).toArray()));
        st.setArray(2, conn.createArrayOf("text", stored.keySet().stream().map(UsageRecord.Key::recordId).toArray()));
        st.executeUpdate();
      }
    }
    for (UsageRecord r : rs) {
      UsageRecord current = stored.get(r.key());
      if (current == null) {
        late += r.late() ? 1 : 0;
        continue;
      }
      accepted--;
      if (BatchPlan.replaces(current, r)) {
        replacements.add(new UsageRecord[] {current, r});
        replaced++;
        late += r.late() ? 1 : 0;
      } else if (BatchPlan.isStale(current, r)) {
        stale++;
      } else {
        duplicates++;
      }
    }
    if (accepted > 0) {
      try (PreparedStatement move = conn.prepareStatement(MOVE)) {
        move.setObject(1, at);
        int moved = move.executeUpdate();
        if (moved != accepted) {
          throw new IllegalStateException("moved " + moved + " staged records, expected " + accepted);
        }
      }
      try (Statement journal = conn.createStatement()) {
        journal.executeUpdate(JOURNAL_STAGED);
      }
    }
    if (!replacements.isEmpty()) {
      replace(conn, replacements, at);
    }
    return new IngestOutcome(received, accepted, replaced, duplicates, stale, late);
  }

  /**
   * The fast mode: every record new. One COPY into {@code usage_record} and one journal row carrying the same text;
   * fails with 23505 (nothing kept) when a key is already stored.
   */
  private static IngestOutcome fast(Connection conn, List<UsageRecord> rs, BatchPlan plan, int received,
      Instant receivedAt) throws SQLException {
    String at = receivedAt.toString();
    StringBuilder sb = new StringBuilder(rs.size() * 240);
    int late = 0;
    long hours = 0;
    Instant firstStart = null;
    Instant lastEnd = null;
    for (UsageRecord r : rs) {
      CopyText.append(sb, r, at);
      late += r.late() ? 1 : 0;
      hours += journalHours(r);
      firstStart = firstStart == null || r.start().isBefore(firstStart) ? r.start() : firstStart;
      lastEnd = lastEnd == null || r.end().isAfter(lastEnd) ? r.end() : lastEnd;
    }
    String text = sb.toString();
    long copied = copyIn(conn, COPY_RECORDS, text);
    if (copied != rs.size()) {
      throw new IllegalStateException("copied " + copied + " records, expected " + rs.size());
    }
    try (PreparedStatement journal = conn.prepareStatement(JOURNAL_PAYLOAD)) {
      journal.setInt(1, rs.size());
      journal.setLong(2, hours);
      journal.setObject(3, firstStart.atOffset(ZoneOffset.UTC));
      journal.setObject(4, lastEnd.atOffset(ZoneOffset.UTC));
      journal.setString(5, text);
      journal.executeUpdate();
    }
    return new IngestOutcome(received, rs.size(), 0, plan.duplicates, plan.stale, late);
  }

  /**
   * A record's part of the journal row's {@code hours} summary, as {@link PgAccountingStore#JOURNAL_AGGREGATES}
   * computes it: the whole hours its span covers, rounded up, plus 3 (its first hour, day and month).
   */
  static long journalHours(UsageRecord r) {
    java.time.Duration d = java.time.Duration.between(r.start(), r.end());
    long whole = d.getSeconds() / 3600;
    long rest = d.minusHours(whole).toNanos();
    return whole + (rest > 0 ? 1 : 0) + 3;
  }

  /** The batch's records into the staging table, as COPY text (tab-separated, {@code \N} for null). */
  private static void copy(Connection conn, List<UsageRecord> rs) throws SQLException {
    StringBuilder sb = new StringBuilder(rs.size() * 200);
    for (UsageRecord r : rs) {
      CopyText.append(sb, r, null);
    }
    copyIn(conn, COPY, sb.toString());
  }

  /** Streams {@code text} to {@code sql} (a {@code COPY … FROM STDIN}); the rows it wrote. */
  private static long copyIn(Connection conn, String sql, String text) throws SQLException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      return conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(bytes), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored versions of the staged keys, locked in key order. */
  private static Map<UsageRecord.Key, UsageRecord> lockStored(Connection conn) throws SQLException {
    Map<UsageRecord.Key, UsageRecord> stored = new HashMap<>();
    try (Statement st = conn.createStatement()) {
      st.execute("ANALYZE " + STAGING); // the join must probe the key index, never scan every record
      try (ResultSet rows = st.executeQuery(LOCK)) {
        while (rows.next()) {
          UsageRecord r = new UsageRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
              rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8), rows.getString(9),
              Metric.parse(rows.getString(10)).orElseThrow(), rows.getObject(11, OffsetDateTime.class).toInstant(),
              rows.getObject(12, OffsetDateTime.class).toInstant(), new BigDecimal(rows.getString(13)),
              rows.getBoolean(14), rows.getBoolean(15));
          stored.put(r.key(), r);
        }
      }
    }
    return stored;
  }

  /** Replaced cumulative records: updated in place, journaled as the old version out and the new one in. */
  private static void replace(Connection conn, List<UsageRecord[]> replacements, OffsetDateTime at)
      throws SQLException {
    try (PreparedStatement up = conn.prepareStatement(REPLACE)) {
      for (UsageRecord[] pair : replacements) {
        UsageRecord r = pair[1];
        int k = 1;
        for (String s : new String[] {r.facility(), r.installation(), r.cluster(), r.session(), r.user(),
            r.proposal(), r.community(), r.metric().wire()}) {
          up.setString(k++, s);
        }
        up.setObject(k++, r.start().atOffset(ZoneOffset.UTC));
        up.setObject(k++, r.end().atOffset(ZoneOffset.UTC));
        up.setString(k++, r.value().toPlainString());
        up.setBoolean(k++, r.late());
        up.setObject(k++, at);
        up.setString(k++, r.source());
        up.setString(k, r.recordId());
        up.addBatch();
      }
      up.executeBatch();
    }
    int n = replacements.size() * 2;
    String[][] cols = new String[12][n];
    int i = 0;
    for (UsageRecord[] pair : replacements) {
      for (int k = 0; k < 2; k++) {
        UsageRecord r = pair[k];
        cols[0][i] = k == 0 ? "-1" : "1";
        cols[1][i] = r.facility();
        cols[2][i] = r.installation();
        cols[3][i] = r.session();
        cols[4][i] = r.user();
        cols[5][i] = r.proposal();
        cols[6][i] = r.community();
        cols[7][i] = r.metric().wire();
        cols[8][i] = r.start().toString();
        cols[9][i] = r.end().toString();
        cols[10][i] = r.value().toPlainString();
        cols[11][i++] = r.late() ? "true" : "false";
      }
    }
    try (PreparedStatement journal = conn.prepareStatement(JOURNAL_PAIRS)) {
      for (int c = 0; c < cols.length; c++) {
        Array a = conn.createArrayOf("text", cols[c]);
        journal.setArray(c + 1, a);
      }
      journal.executeUpdate();
    }
  }
}
