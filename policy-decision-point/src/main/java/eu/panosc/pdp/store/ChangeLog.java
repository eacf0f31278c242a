package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.ChangeJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The PDP's change log in PostgreSQL (tables {@code change_counter} and {@code change_log}, migration
 * {@code V3}): every committed write batch has a number, and numbers follow commit order without gaps
 * because a writer increments the single counter row last in its transaction (its row lock orders the
 * writers; a rolled-back batch gives its number back). {@link #append} runs inside the writer's
 * transaction and sends {@code pg_notify('pdp_changes', seq)}, which PostgreSQL delivers on commit.
 *
 * @see <a href="https://www.postgresql.org/docs/17/sql-notify.html">PostgreSQL NOTIFY</a>
 */
public final class ChangeLog {
  /** The notification channel; the payload is the batch's sequence number. */
  public static final String CHANNEL = "pdp_changes";

  /**
   * One committed batch: its number and its changes, in order; or, when the stored batch cannot be read back
   * as valid changes (written before the input checks, or by hand), no changes and the {@code problem}.
   */
  public record Entry(long seq, List<Change> changes, String problem) {
    public Entry {
      changes = List.copyOf(changes);
    }

    public Entry(long seq, List<Change> changes) {
      this(seq, changes, null);
    }
  }

  private final Pool pool;

  public ChangeLog(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** Numbers, records and announces a batch; call as the last step of the batch's transaction. */
  static Future<Long> append(SqlConnection conn, List<Change> changes) {
    return conn.query("UPDATE change_counter SET seq = seq + 1 RETURNING seq").execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(seq -> conn.preparedQuery("INSERT INTO change_log (seq, changes) VALUES ($1, $2)")
            .execute(Tuple.of(seq, ChangeJson.writeAll(changes)))
            .compose(v -> conn.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, Long.toString(seq))))
            .map(seq));
  }

  /** The number of the newest committed batch (0 before the first). */
  public Future<Long> head() {
    return pool.query("SELECT seq FROM change_counter").execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Up to {@code limit} batches after {@code after}, in order (those pruned meanwhile are missing). */
  public Future<List<Entry>> after(long after, int limit) {
    return pool.preparedQuery("SELECT seq, changes FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2")
        .execute(Tuple.of(after, limit))
        .map(rows -> {
          List<Entry> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(entry(r.getLong(0), r.getValue(1)));
          }
          return out;
        });
  }

  /** A stored batch decoded; one that cannot be is an entry with its problem (never an exception). */
  static Entry entry(long seq, Object stored) {
    try {
      JsonArray records = stored instanceof JsonArray a ? a : new JsonArray(String.valueOf(stored));
      return new Entry(seq, ChangeJson.readAll(records));
    } catch (RuntimeException e) {
      String reason = e instanceof eu.panosc.platform.input.InvalidInputException in
          ? in.field() + ": " + in.reason() : e.getClass().getSimpleName();
      return new Entry(seq, List.of(), reason);
    }
  }

  /** Deletes batches committed more than {@code retention} ago; the number of rows deleted. */
  public Future<Integer> prune(Duration retention) {
    return pool.preparedQuery("DELETE FROM change_log WHERE committed_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) retention.toMillis() / 1000.0))
        .map(rows -> rows.rowCount());
  }
}
