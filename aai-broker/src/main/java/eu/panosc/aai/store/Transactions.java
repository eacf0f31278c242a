package eu.panosc.aai.store;

import io.vertx.core.Future;
import java.util.function.Function;

/** Runs work that spans several stores as one {@link Transaction}: all of its writes, or none. */
public interface Transactions {
  /**
   * Runs {@code work} in a new transaction, committed when the future it returns succeeds and rolled back when it
   * fails (the failure is then this method's); after a commit, the {@link Transaction#afterCommit} actions run.
   */
  <T> Future<T> inTransaction(Function<Transaction, Future<T>> work);
}
