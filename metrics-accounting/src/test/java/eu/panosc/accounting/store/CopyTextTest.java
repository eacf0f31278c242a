package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The COPY text of records, as streamed to PostgreSQL and kept as a journal row's payload, read back exactly. */
class CopyTextTest {
  static UsageRecord rec(String id, String user, String value) {
    return new UsageRecord("broker", id, "esrf", "hpc", null, "s-" + id, user, "MX-1", null, Metric.GPU_HOURS,
        Instant.parse("2026-11-05T10:00:00Z"), Instant.parse("2026-11-05T12:30:00.123456Z"), new BigDecimal(value),
        false, true);
  }

  static String text(List<UsageRecord> records, String receivedAt) {
    StringBuilder sb = new StringBuilder();
    records.forEach(r -> CopyText.append(sb, r, receivedAt));
    return sb.toString();
  }

  @Test
  void readWhenWrittenThenSameRecordsWithNullsAndEscapes() {
    List<UsageRecord> records = List.of(rec("a", "u1", "8"),
        rec("tab\there", "back\\slash", "0.000001"),
        rec("new\nline\r\n", "\\N", "1000000000000000"),
        new UsageRecord("s", "", "f", "i", "k8s", null, null, null, "", Metric.SESSIONS,
            Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("0001-01-01T00:00:00Z"), BigDecimal.ZERO, true, false),
        rec("ünï\u00a0cödé ☃ 𝄞", "u\\t", "2.50"));

    String plain = text(records, null);
    assertThat(CopyText.read(plain)).containsExactlyElementsOf(records);
    assertThat(CopyText.read(text(records, "2026-12-01T12:00:00Z"))).as("the receipt column is ignored")
        .containsExactlyElementsOf(records);
    assertThat(plain.lines()).as("one line per record, a literal \\N value is escaped").hasSize(5)
        .anySatisfy(l -> assertThat(l).contains("\t\\\\N\t"));
    assertThat(CopyText.read("")).isEmpty();
  }

  @Test
  void readWhenManyRandomTextsThenEachReadBackExactly() {
    Random random = new Random(12);
    char[] alphabet = {'a', 'Z', '0', '\\', '\t', '\n', '\r', 'N', ' ', 'é', '\u2603', '|'};
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      StringBuilder id = new StringBuilder();
      for (int k = 0, n = 1 + random.nextInt(12); k < n; k++) {
        id.append(alphabet[random.nextInt(alphabet.length)]);
      }
      records.add(new UsageRecord("src" + i % 3, id.toString(), "f", "i" + i, random.nextBoolean() ? null : id + "c",
          random.nextBoolean() ? null : "\\N", id.toString(), null, "c", Metric.values()[i % Metric.values().length],
          Instant.ofEpochSecond(1_700_000_000L + i, random.nextInt(1_000_000) * 1000L),
          Instant.ofEpochSecond(1_700_100_000L + i), BigDecimal.valueOf(random.nextInt(1_000_000), random.nextInt(7)),
          random.nextBoolean(), random.nextBoolean()));
    }
    assertThat(CopyText.read(text(records, "2026-12-01T12:00:00.5Z"))).containsExactlyElementsOf(records);
  }

  @Test
  void readWhenTextIsNotWhatWasWrittenThenRefusedNamingTheLine() {
    String good = text(List.of(rec("a", "u1", "1")), null);
    assertThatThrownBy(() -> CopyText.read(good + "x\ty\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2").hasMessageContaining("2 columns");
    assertThatThrownBy(() -> CopyText.read(good.replace("u1", "u\\q1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1").hasMessageContaining("unknown escape");
    assertThatThrownBy(() -> CopyText.read(good.replace("u1", "u\\N"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\\N inside a value");
    assertThatThrownBy(() -> CopyText.read(good.replace("u1", "\\Nu"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\\N inside a value");
    assertThatThrownBy(() -> CopyText.read(good.replace("gpu_hours", "gpus"))).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("unknown metric");
    assertThatThrownBy(() -> CopyText.read(good.replace("\tt\n", "\tyes\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a boolean");
  }

  @Test
  void journalHoursWhenSpansThenWholeHoursRoundedUpPlusThree() {
    Instant t = Instant.parse("2026-11-05T10:00:00Z");
    assertThat(CopyBatchWriter.journalHours(span(t, t))).isEqualTo(3);
    assertThat(CopyBatchWriter.journalHours(span(t, t.plusNanos(1000)))).isEqualTo(4);
    assertThat(CopyBatchWriter.journalHours(span(t, t.plusSeconds(3600)))).isEqualTo(4);
    assertThat(CopyBatchWriter.journalHours(span(t, t.plusSeconds(3601)))).isEqualTo(5);
    assertThat(CopyBatchWriter.journalHours(span(t, t.plusSeconds(31L * 86400)))).isEqualTo(31 * 24 + 3);
  }

  static UsageRecord span(Instant start, Instant end) {
    return new UsageRecord("s", "r", "f", "i", null, null, null, null, null, Metric.SESSIONS, start, end,
        BigDecimal.ONE, false, false);
  }
}
