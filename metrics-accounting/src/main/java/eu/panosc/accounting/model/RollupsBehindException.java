package eu.panosc.accounting.model;

/**
 * A read that must be exact found records acknowledged but not rolled up yet in its range after waiting the read
 * wait: answering would leave them out. The caller should retry shortly.
 */
public final class RollupsBehindException extends RuntimeException {
  private final transient RollupStatus status;

  public RollupsBehindException(RollupStatus status) {
    super(status.pendingRecords() + " acknowledged records are not rolled up yet (complete until "
        + status.completeUntil() + "); retry shortly");
    this.status = status;
  }

  public RollupStatus status() {
    return status;
  }
}
