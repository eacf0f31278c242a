package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The change one batch makes to the rollups, accumulated in memory and applied as additive upserts in key order
 * (so replicas never race on a read-modify-write and never deadlock on each other's rows): per bucket, the value,
 * the late value, the number of records and of late records, and per bucket and user a reference count.
 */
public final class RollupDelta {
  /** Sums of one rollup row. */
  public record Sums(BigDecimal value, BigDecimal lateValue, long records, long lateRecords) {
    Sums plus(Sums o) {
      return new Sums(value.add(o.value), lateValue.add(o.lateValue), records + o.records, lateRecords + o.lateRecords);
    }

    public boolean isZero() {
      return value.signum() == 0 && lateValue.signum() == 0 && records == 0 && lateRecords == 0;
    }
  }

  /** A user's membership of one bucket. */
  public record UserKey(RollupKey row, String user) implements Comparable<UserKey> {
    @Override
    public int compareTo(UserKey o) {
      int c = row.compareTo(o.row);
      return c != 0 ? c : user.compareTo(o.user);
    }
  }

  private final TreeMap<RollupKey, Sums> sums = new TreeMap<>();
  private final TreeMap<UserKey, Long> users = new TreeMap<>();

  /** Adds the record's contribution to every hour, day and month bucket it overlaps. */
  public void add(UsageRecord r) {
    apply(r, 1);
  }

  /** Subtracts a contribution added before (a replaced cumulative record): exactly the same shares. */
  public void subtract(UsageRecord r) {
    apply(r, -1);
  }

  private void apply(UsageRecord r, int sign) {
    for (Granularity g : Granularity.values()) {
      for (Share s : ProRating.shares(r, g)) {
        RollupKey key = new RollupKey(g, s.bucket(), r.facility(), r.installation(), orEmpty(r.proposal()),
            orEmpty(r.community()), r.metric().wire());
        BigDecimal v = sign > 0 ? s.value() : s.value().negate();
        sums.merge(key, new Sums(v, r.late() ? v : BigDecimal.ZERO, sign, r.late() ? sign : 0), Sums::plus);
        if (r.user() != null) {
          users.merge(new UserKey(key, r.user()), (long) sign, Long::sum);
        }
      }
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** The rows to change, in key order, those whose changes cancelled out left out. */
  public NavigableMap<RollupKey, Sums> sums() {
    TreeMap<RollupKey, Sums> out = new TreeMap<>(sums);
    out.values().removeIf(Sums::isZero);
    return Collections.unmodifiableNavigableMap(out);
  }

  /** The user reference counts to change, in key order, zeros left out. */
  public NavigableMap<UserKey, Long> users() {
    TreeMap<UserKey, Long> out = new TreeMap<>(users);
    out.values().removeIf(v -> v == 0);
    return Collections.unmodifiableNavigableMap(out);
  }
}
