package eu.panosc.broker.model;

/**
 * The lifecycle of a session: PENDING → PLACING → STARTING → RUNNING → STOPPING → STOPPED, or FAILED with a
 * reason from any state before STOPPED.
 */
public enum SessionState {
  PENDING, PLACING, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

  /** Whether the session still holds (or is about to hold) resources: every state but STOPPED and FAILED. */
  public boolean active() {
    return this != STOPPED && this != FAILED;
  }
}
