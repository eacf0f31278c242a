package eu.panosc.accounting.store;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage records as PostgreSQL {@code COPY} text (tab-separated columns, one line per record, {@code \N} for null;
 * backslash, tab, newline and carriage return escaped): what the COPY ingest path streams into the database, and
 * what the journal row of such a batch carries as its payload ({@code rollup_pending.payload}, V6), read back by the
 * roll-up worker with {@link #read}. Columns, in this order: {@link #COLUMNS} ({@code received_at} only when written
 * with a receipt time).
 */
final class CopyText {
  /** The record columns of a line, in order. */
  static final String COLUMNS = "source, record_id, facility, installation, cluster, session, user_id, proposal, "
      + "community, metric, start_at, end_at, value, cumulative, late";
  private static final int FIELDS = 15;

  private CopyText() {}

  /** Appends {@code r} as one line; {@code receivedAt} (when not null) as a 16th column. */
  static void append(StringBuilder sb, UsageRecord r, String receivedAt) {
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
        .append(r.cumulative() ? 't' : 'f').append('\t').append(r.late() ? 't' : 'f');
    if (receivedAt != null) {
      sb.append('\t').append(receivedAt);
    }
    sb.append('\n');
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

  /**
   * The records of {@code text} as {@link #append} wrote them (a 16th column, if any, is ignored). Throws
   * IllegalArgumentException on text it did not write (wrong column count, unknown escape, unreadable value).
   */
  static List<UsageRecord> read(String text) {
    List<UsageRecord> records = new ArrayList<>();
    String[] f = new String[FIELDS];
    StringBuilder cell = new StringBuilder(64);
    int n = text.length();
    int i = 0;
    int line = 0;
    while (i < n) {
      line++;
      int column = 0;
      boolean isNull = false;
      cell.setLength(0);
      while (true) {
        char c = i < n ? text.charAt(i) : '\n';
        i++;
        if (c == '\t' || c == '\n') {
          if (column < FIELDS) {
            f[column] = isNull ? null : cell.toString();
          }
          column++;
          cell.setLength(0);
          isNull = false;
          if (c == '\n') {
            break;
          }
          continue;
        }
        if (isNull) {
          throw new IllegalArgumentException("line " + line + ": \\N inside a value");
        }
        if (c != '\\') {
          cell.append(c);
          continue;
        }
        char e = i < n ? text.charAt(i) : '\n';
        i++;
        switch (e) {
          case '\\' -> cell.append('\\');
          case 't' -> cell.append('\t');
          case 'n' -> cell.append('\n');
          case 'r' -> cell.append('\r');
          case 'N' -> {
            if (!cell.isEmpty()) {
              throw new IllegalArgumentException("line " + line + ": \\N inside a value");
            }
            isNull = true;
          }
          default -> throw new IllegalArgumentException("line " + line + ": unknown escape \\" + e);
        }
      }
      if (column != FIELDS && column != FIELDS + 1) {
        throw new IllegalArgumentException("line " + line + ": " + column + " columns, expected " + FIELDS);
      }
      try {
        records.add(new UsageRecord(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8],
            Metric.parse(f[9]).orElseThrow(() -> new IllegalArgumentException("unknown metric")),
            Instant.parse(f[10]), Instant.parse(f[11]), new BigDecimal(f[12]), bool(f[13]), bool(f[14])));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
      }
    }
    return records;
  }

  private static boolean bool(String s) {
    if ("t".equals(s)) {
      return true;
    }
    if ("f".equals(s)) {
      return false;
    }
    throw new IllegalArgumentException("not a boolean: " + s);
  }
}
