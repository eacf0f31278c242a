package eu.panosc.pdp.log;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decision ids: UUIDv7 (RFC 9562 §5.7), the decision's millisecond followed by 74 random bits, so ids
 * are unique, sort roughly by time and keep the primary-key index append-mostly. The random bits need
 * not be unpredictable (an id grants nothing), so {@link ThreadLocalRandom} is used: no contention on
 * the decision path.
 */
public final class DecisionIds {
  private DecisionIds() {}

  public static UUID next(Instant at) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long ms = at.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long msb = (ms << 16) | (0x7L << 12) | (r.nextLong() & 0xFFFL);
    long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** The millisecond a UUIDv7 id was made in (its first 48 bits). */
  public static Instant instant(UUID id) {
    return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
  }
}
