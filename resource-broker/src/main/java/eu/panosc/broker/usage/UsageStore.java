package eu.panosc.broker.usage;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outbox (table {@code usage_outbox}) and each session's accounted-until mark ({@code session_usage}). Every
 * implementation passes {@code UsageStoreContract}.
 */
public interface UsageStore {
  /** Makes the records of a session's interval {@code [from, to)}; {@code from} is the session's mark. */
  @FunctionalInterface
  interface Interval {
    List<UsageRecord> records(Instant from, Instant to);
  }

  /**
   * Atomically: reads the session's mark (absent: {@code start}), and unless the mark is final or not before
   * {@code to}, inserts {@code interval.records(mark, to)} into the outbox (a record id already there is kept) and
   * moves the mark to {@code to} (final when {@code last}). Answers how many records were added.
   */
  Future<Integer> accrue(String sessionId, Instant start, Instant to, boolean last, Interval interval);

  /** Starts a session's mark at {@code at} (its creation), unless it has one: every session is then accounted. */
  Future<Void> begin(String sessionId, Instant at);

  /** Sessions whose mark exists and is not final. */
  Future<Set<String>> open();

  /** The session's mark, if any. */
  Future<Optional<Instant>> mark(String sessionId);

  /** Up to {@code limit} undelivered records due at {@code now}, oldest first. */
  Future<List<UsageRecord>> due(Instant now, int limit);

  /** Marks records delivered. */
  Future<Void> delivered(Collection<String> recordIds, Instant at);

  /** Records a failed attempt: the records are due again at {@code next}. */
  Future<Void> failed(Collection<String> recordIds, Instant next, String reason);

  /** Undelivered records (for metrics and tests). */
  Future<Integer> undelivered();
}
