package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharesTest {
  static Map<String, BigDecimal> values(String... kv) {
    Map<String, BigDecimal> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], new BigDecimal(kv[i + 1]));
    }
    return m;
  }

  static BigDecimal sum(Map<String, BigDecimal> m) {
    return m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void percentWhenThirdsThenLargestRemainderMakesExactlyHundred() {
    Map<String, BigDecimal> p = Shares.percent(values("esrf", "1", "ill", "1", "ess", "1"));
    assertThat(p).containsExactly(Map.entry("esrf", new BigDecimal("33.34")), Map.entry("ill", new BigDecimal("33.33")),
        Map.entry("ess", new BigDecimal("33.33")));
    assertThat(sum(p)).isEqualByComparingTo("100");
  }

  @Test
  void percentWhenUnevenThenTheLargestRemaindersGetTheMissingHundredths() {
    // exact: 66.666..., 16.666..., 16.666... -> floors 66.66, 16.66, 16.66 (99.98): two hundredths missing
    Map<String, BigDecimal> p = Shares.percent(values("a", "4", "b", "1", "c", "1"));
    assertThat(p.get("a")).isEqualByComparingTo("66.67");
    assertThat(p.get("b")).isEqualByComparingTo("16.67");
    assertThat(p.get("c")).isEqualByComparingTo("16.66");
    assertThat(sum(p)).isEqualByComparingTo("100");
    Map<String, BigDecimal> tiny = Shares.percent(values("big", "1000000", "small", "0.001", "zero", "0"));
    assertThat(tiny.get("big")).isEqualByComparingTo("100");
    assertThat(tiny.get("small")).isEqualByComparingTo("0");
    assertThat(sum(tiny)).isEqualByComparingTo("100");
  }

  @Test
  void percentWhenTotalZeroThenAllZero() {
    assertThat(Shares.percent(values("a", "0", "b", "0")).values()).allSatisfy(v -> assertThat(v).isZero());
    assertThat(Shares.percent(values())).isEmpty();
  }
}
