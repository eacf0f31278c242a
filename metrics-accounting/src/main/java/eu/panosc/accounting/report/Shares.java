package eu.panosc.accounting.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percent shares of a total, rounded to two decimals so that they add up to exactly 100 (largest remainder
 * method): each share is first rounded down to 0.01, then the hundredths still missing go, one each, to the shares
 * with the largest remainders (ties: in the order given). A total of zero gives 0 for every share.
 */
public final class Shares {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final BigDecimal HUNDREDTH = new BigDecimal("0.01");

  private Shares() {}

  /** Each key's percentage of the sum of the values (non-negative), in the keys' order. */
  public static <K> Map<K, BigDecimal> percent(Map<K, BigDecimal> values) {
    BigDecimal total = values.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    Map<K, BigDecimal> out = new LinkedHashMap<>();
    if (total.signum() == 0) {
      values.keySet().forEach(k -> out.put(k, BigDecimal.ZERO.setScale(2)));
      return out;
    }
    record Part<K>(K key, int order, BigDecimal remainder) {}
    List<Part<K>> parts = new ArrayList<>();
    BigDecimal given = BigDecimal.ZERO;
    int order = 0;
    for (Map.Entry<K, BigDecimal> e : values.entrySet()) {
      BigDecimal exact = e.getValue().multiply(HUNDRED).divide(total, 30, RoundingMode.DOWN);
      BigDecimal floor = exact.setScale(2, RoundingMode.DOWN);
      out.put(e.getKey(), floor);
      given = given.add(floor);
      parts.add(new Part<>(e.getKey(), order++, exact.subtract(floor)));
    }
    int missing = HUNDRED.subtract(given).divide(HUNDREDTH, 0, RoundingMode.UNNECESSARY).intValueExact();
    parts.sort(Comparator.comparing((Part<K> p) -> p.remainder()).reversed()
        .thenComparing(Comparator.comparingInt((Part<K> p) -> p.order())));
    for (int i = 0; i < missing; i++) {
      K k = parts.get(i % parts.size()).key();
      out.put(k, out.get(k).add(HUNDREDTH));
    }
    return out;
  }
}
