package eu.panosc.aai.token;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per client: {@code ratePerSecond} sustained, {@code burst} at once. */
public final class RateLimiter {
  private final double ratePerNano;
  private final double burst;
  private final Map<String, long[]> buckets = new ConcurrentHashMap<>();

  public RateLimiter(double ratePerSecond, int burst) {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
  }

  /** Takes one token for {@code key}; false when its bucket is empty. */
  public boolean tryAcquire(String key, long nowNanos) {
    long[] b = buckets.computeIfAbsent(key, k -> new long[] {Double.doubleToLongBits(burst), nowNanos});
    synchronized (b) {
      double tokens = Math.min(burst, Double.longBitsToDouble(b[0]) + (nowNanos - b[1]) * ratePerNano);
      b[1] = nowNanos;
      if (tokens < 1) {
        b[0] = Double.doubleToLongBits(tokens);
        return false;
      }
      b[0] = Double.doubleToLongBits(tokens - 1);
      return true;
    }
  }

  /** Seconds until one token is available again (at least 1). */
  public int retryAfterSeconds() {
    return Math.max(1, (int) Math.ceil(1 / (ratePerNano * 1e9)));
  }
}
