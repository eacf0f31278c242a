package eu.panosc.broker.model;

/**
 * The lifecycle of a session: PENDING → PLACING → (STAGING →) STARTING → RUNNING → STOPPING → STOPPED, or FAILED
 * with a reason from any state before STOPPED. STAGING: its datasets are being copied to the chosen cluster, which
 * cannot mount their storage site.
 */
public enum SessionState {
  PENDING, PLACING, STAGING, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

  /** Whether the session still holds (or is about to hold) resources: every state but STOPPED and FAILED. */
  public boolean active() {
    return this != STOPPED && this != FAILED;
  }
}
