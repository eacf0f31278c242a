package eu.panosc.aai.logout;

import eu.panosc.aai.store.Transaction;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Back-channel logout deliveries still to make, in {@code aai.logout_delivery} (an outbox): enqueued in the
 * transaction that ends the session, so a logout that happened is never without its deliveries, and kept until
 * delivered, so a restart loses none. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} and a lease (their
 * {@code next_attempt_at} moved past the delivery's time limit), so that several replicas never deliver one row at
 * the same time. Scheduling uses the database's clock, the same for every replica.
 */
public interface LogoutOutbox {
  /** One delivery to make: tell {@code clientId} that {@code userId}'s session {@code sid} ended. */
  record Delivery(long id, String clientId, String userId, String sid, int attempt) {}

  /**
   * Enqueues one delivery per client that got tokens in the session {@code sid}, in {@code tx} (the caller's
   * transaction that ends the session: a rollback enqueues nothing). Succeeds with how many were enqueued.
   */
  Future<Integer> enqueue(Transaction tx, String sid, String userId);

  /**
   * Claims up to {@code limit} due deliveries for {@code lease}: no other claim sees them until it ends. Counts the
   * attempt.
   */
  Future<List<Delivery>> claim(int limit, Duration lease);

  /** The delivery is over (delivered, refused, or given up): the row goes. */
  Future<Void> done(long id);

  /** The delivery failed and is tried again after {@code delay}; {@code error} is a short reason, never a token. */
  Future<Void> retryLater(long id, Duration delay, String error);

  /** How many deliveries are waiting (for tests and metrics). */
  Future<Long> pending();
}
