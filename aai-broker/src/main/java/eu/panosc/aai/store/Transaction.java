package eu.panosc.aai.store;

/**
 * One unit of work across several stores, handed out by {@link Transactions#inTransaction}: a store method that
 * takes it does its writes in it, so that they are committed together with the other stores' writes or not at all.
 * Its content belongs to the store backend; callers only pass it on.
 */
public interface Transaction {
  /**
   * Runs {@code action} once the transaction committed (e.g. to update a store's in-memory mirror of what was
   * written); never when it rolls back.
   */
  void afterCommit(Runnable action);
}
