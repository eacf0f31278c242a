package eu.panosc.platform.health;

import java.util.concurrent.atomic.AtomicBoolean;

/** Whether this process still accepts work; turns false at the start of a graceful shutdown. */
public final class Lifecycle {
  private final AtomicBoolean stopping = new AtomicBoolean();

  public void markStopping() {
    stopping.set(true);
  }

  public boolean stopping() {
    return stopping.get();
  }
}
