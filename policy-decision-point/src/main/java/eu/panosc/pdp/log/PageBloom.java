package eu.panosc.pdp.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * The Bloom filter of a decision-log page over the ids (subjects or resources) it mentions, in the format of
 * {@code V12__decision_log_pages.sql}: {@code m = 8 × bytes} bits, {@value #PROBES} probes; for an id with
 * {@code h = MD5(UTF-8)}, {@code h1} and {@code h2} are bytes 0–3 and 4–7 as unsigned big-endian numbers and probe
 * {@code i} is bit {@code (h1 + i·h2) mod m}, bit {@code n} being bit {@code n mod 8} (from the least significant)
 * of byte {@code n / 8}, as PostgreSQL's {@code get_bit} numbers them. About {@value #BITS_PER_ID} bits per id:
 * ~1 % false positives. Not a secret: it only narrows the pages a lookup reads.
 */
public final class PageBloom {
  public static final int PROBES = 7;
  static final int BITS_PER_ID = 10;
  static final int MIN_BYTES = 8;

  private PageBloom() {}

  /** The two hashes of an id, each an unsigned 32-bit number. */
  public record Hashes(long h1, long h2) {
    /** Probe {@code i}'s bit in a filter of {@code bits} bits. */
    public long bit(int i, long bits) {
      return (h1 + i * h2) % bits;
    }
  }

  public static Hashes hashes(MessageDigest md5, String id) {
    byte[] h = md5.digest(id.getBytes(StandardCharsets.UTF_8));
    return new Hashes(unsigned(h, 0), unsigned(h, 4));
  }

  public static Hashes hashes(String id) {
    return hashes(md5(), id);
  }

  private static long unsigned(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
  }

  /** The filter over these ids' hashes. */
  public static byte[] of(Collection<Hashes> ids) {
    int bytes = Math.max(MIN_BYTES, (ids.size() * BITS_PER_ID + 7) / 8);
    byte[] filter = new byte[bytes];
    long bits = bytes * 8L;
    for (Hashes h : ids) {
      // (h1 + i·h2) mod m stepped as (h1 mod m) + i·(h2 mod m), reduced as it goes: two divisions per id, not seven
      long n = h.h1() % bits;
      long step = h.h2() % bits;
      for (int i = 0; i < PROBES; i++) {
        filter[(int) (n >>> 3)] |= (byte) (1 << (n & 7));
        n += step;
        if (n >= bits) {
          n -= bits;
        }
      }
    }
    return filter;
  }

  /** Whether the filter may hold the id (false: it certainly does not). */
  public static boolean mayContain(byte[] filter, Hashes h) {
    long bits = filter.length * 8L;
    for (int i = 0; i < PROBES; i++) {
      long n = h.bit(i, bits);
      if ((filter[(int) (n >>> 3)] & (1 << (n & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The SQL condition that {@code column} (a filter, or NULL: may hold anything) may hold any of the ids whose hashes
   * are the parameters from {@code $first}: two bigint parameters per id, h1 then h2.
   */
  static String sqlMayContainAny(String column, int ids, int first) {
    StringBuilder sql = new StringBuilder("(").append(column).append(" IS NULL");
    for (int k = 0; k < ids; k++) {
      int h1 = first + 2 * k;
      sql.append(" OR (");
      for (int i = 0; i < PROBES; i++) {
        if (i > 0) {
          sql.append(" AND ");
        }
        sql.append("get_bit(").append(column).append(", (($").append(h1).append("::bigint + ").append(i)
            .append(" * $").append(h1 + 1).append("::bigint) % (8 * length(").append(column).append(")))::int) = 1");
      }
      sql.append(')');
    }
    return sql.append(')').toString();
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }
}
