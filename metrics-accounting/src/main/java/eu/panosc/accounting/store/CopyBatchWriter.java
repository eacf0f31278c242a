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
 * The ingest fast path: a batch's records are streamed with PostgreSQL {@code COPY} (text format) into a
 * per-connection temporary staging table and moved into {@code usage_record} with one plain set-based
 * {@code INSERT … SELECT}; the batch's journal row is aggregated from the staging table in the same transaction.
 * Everything runs in one transaction ({@link JdbcConnections#inTransaction}): a crash leaves nothing of it.
 *
 * <p>Two modes. The <b>fast</b> one (first attempt) assumes no key is stored yet and inserts without a conflict
 * check: the primary key refuses a stored key (SQL state 23505), the whole transaction rolls back and the batch is
 * retried in the <b>checked</b> mode: the stored versions of the batch's keys are locked ({@code FOR UPDATE}),
 * removed from the staging table, and handled like {@link PgAccountingStore}'s path does (duplicates, stale and
 * replaced cumulative records, the latter journaled as -1/+1 pairs). A retry of a batch therefore costs a second
 * COPY, a new batch costs no conflict check at all.
 */
final class CopyBatchWriter {
  static final String STAGING = "ingest_staging";
  /** Created once per connection; emptied at every commit (and gone with a rollback). */
  static final String CREATE_STAGING = "CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " (source text, record_id text, "
      + "facility text, installation text, cluster text, session text, user_id text, proposal text, community text, "
      + "metric text, start_at timestamptz, end_at timestamptz, value numeric, cumulative boolean, late boolean) "
      + "ON COMMIT DELETE ROWS";
  private static final String STAGED_COLUMNS = "source, record_id, facility, installation, cluster, session, user_id, "
      + "proposal, community, metric, start_at, end_at, value, cumulative, late";
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

  /** The batch's records into the staging table, as COPY text (tab-separated, {@code \N} for null). */
  private static void copy(Connection conn, List<UsageRecord> rs) throws SQLException {
    StringBuilder sb = new StringBuilder(rs.size() * 200);
    for (UsageRecord r : rs) {
      field(sb, r.source());
      field(sb, r.recordId());
      field(sb, r.facility());
      field(sb, r.installation());
      field(sb, r.cluster());
      field(sb, r.session());
      field(sb, r.user());
      field(sb, r.proposal());
      field(sb, r.community());
      field(sb, r.metric().wire());
      sb.append(r.start()).append('\t').append(r.end()).append('\t').append(r.value().toPlainString()).append('\t')
          .append(r.cumulative() ? 't' : 'f').append('\t').append(r.late() ? 't' : 'f').append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    try {
      conn.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(bytes), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One text column and its tab; backslash and the separators escaped, null as {@code \N}. */
  static void field(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("\\N\t");
      return;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    sb.append('\t');
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
