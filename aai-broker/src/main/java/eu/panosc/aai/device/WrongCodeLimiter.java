package eu.panosc.aai.device;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits guessing of user codes on the verification page: at most {@code max} wrong codes per key (a browser,
 * a client address) per minute; a key over its limit is refused until its minute is over. With 20^8 codes, a
 * handful of live ones and 10 minutes per code, this makes guessing a live code hopeless.
 */
public final class WrongCodeLimiter {
  private static final long WINDOW_SECONDS = 60;
  private static final int PRUNE_ABOVE = 10_000;

  private record Window(long minute, int failures) {}

  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public WrongCodeLimiter(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private long minute() {
    return clock.instant().getEpochSecond() / WINDOW_SECONDS;
  }

  /** Whether {@code key} already reached {@code max} wrong codes in the current minute. */
  public boolean blocked(String key, int max) {
    Window w = windows.get(key);
    return w != null && w.minute() == minute() && w.failures() >= max;
  }

  /** Counts one wrong code for {@code key}. */
  public void failed(String key) {
    long now = minute();
    if (windows.size() > PRUNE_ABOVE) {
      windows.values().removeIf(w -> w.minute() != now);
    }
    windows.merge(key, new Window(now, 1), (old, one) -> old.minute() == now
        ? new Window(now, old.failures() + 1) : one);
  }
}
