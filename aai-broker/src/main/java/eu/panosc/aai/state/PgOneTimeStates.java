package eu.panosc.aai.state;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One-time state of a login or logout in flight, in a PostgreSQL table shared by every replica, under the SHA-256 of an
 * opaque random handle ({@link Opaque}) that travels through the browser and carries no data. The table has the
 * columns {@code handle_hash} (primary key), {@code expires_at}, {@code consumed_at} and the state's own columns,
 * which a {@link Codec} writes and reads. A handle is taken once: the first {@link #take} gets the state (of
 * concurrent takes, also on two replicas, one wins), later ones learn it was {@link Status#REPLAYED}; an unused handle
 * past its lifetime is {@link Status#EXPIRED}; anything else (never issued, malformed, purged) {@link Status#MISSING}.
 * A store of one kind of state extends this class with its table and {@link Codec} and answers its own lookup type
 * through {@link #takeOnce}.
 *
 * @param <T> the state kept
 */
public abstract class PgOneTimeStates<T> {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** How a state is kept in its table's own columns. */
  public interface Codec<T> {
    /** The state's columns, besides the handle, expiry and consumption. */
    List<String> columns();

    /** The values of {@link #columns()} for {@code state}, in that order (null for SQL NULL). */
    List<Object> values(T state);

    /** The state from a row holding {@link #columns()} in that order. */
    T read(Row row);
  }

  /** What a handle turned out to be (the lookup types of the stores name these four). */
  public enum Status { FOUND, EXPIRED, REPLAYED, MISSING }

  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;
  private final Codec<T> codec;
  private final String insert;
  private final String take;
  private final String consumed;
  private final String purge;

  /** {@code table}: a table (a constant of the subclass, never input) with the columns described above. */
  protected PgOneTimeStates(Pool pool, Clock clock, Duration lifetime, String table, Codec<T> codec) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.codec = Objects.requireNonNull(codec, "codec");
    List<String> columns = List.copyOf(codec.columns());
    if (!NAME.matcher(table).matches() || columns.isEmpty() || !columns.stream().allMatch(c -> NAME.matcher(c)
        .matches())) {
      throw new IllegalArgumentException("not a table and its columns: " + table + " " + columns);
    }
    String names = String.join(", ", columns);
    StringBuilder params = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      params.append(", $").append(i + 2);
    }
    this.insert = "INSERT INTO " + table + " (handle_hash, " + names + ", expires_at) VALUES ($1" + params + ", $"
        + (columns.size() + 2) + ")";
    this.take = "UPDATE " + table + " SET consumed_at = $2 WHERE handle_hash = $1 AND consumed_at IS NULL"
        + " AND expires_at > $2 RETURNING " + names;
    this.consumed = "SELECT consumed_at IS NOT NULL FROM " + table + " WHERE handle_hash = $1";
    this.purge = "DELETE FROM " + table + " WHERE expires_at < $1";
  }

  /** How long a handle stays usable. */
  public final Duration lifetime() {
    return lifetime;
  }

  /** Remembers {@code state}; succeeds with its new handle. */
  public final Future<String> start(T state) {
    Objects.requireNonNull(state, "state");
    String handle = Opaque.random();
    List<Object> values = new ArrayList<>();
    values.add(Opaque.hash(handle));
    values.addAll(codec.values(state));
    values.add(clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC));
    return pool.preparedQuery(insert).execute(Tuple.from(values)).map(rows -> handle);
  }

  /**
   * The state of {@code handle}, used up at once, as the caller's lookup type: {@code found} of the state, or what
   * {@code expired}, {@code replayed} or {@code missing} make.
   */
  protected final <L> Future<L> takeOnce(String handle, Function<T, L> found, Supplier<L> expired,
      Supplier<L> replayed, Supplier<L> missing) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(missing.get());
    }
    String hash = Opaque.hash(handle);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(take).execute(Tuple.of(hash, now)).compose(rows -> {
      if (rows.size() == 1) {
        return Future.succeededFuture(found.apply(codec.read(rows.iterator().next())));
      }
      return pool.preparedQuery(consumed).execute(Tuple.of(hash)).map(r -> r.size() == 0 ? missing.get()
          : r.iterator().next().getBoolean(0) ? replayed.get() : expired.get());
    });
  }

  /** Drops states whose lifetime ended more than a lifetime ago (until then a replay is still told apart). */
  public final Future<Void> purgeExpired() {
    return pool.preparedQuery(purge).execute(Tuple.of(clock.instant().minus(lifetime).atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
