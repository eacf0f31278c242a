package eu.panosc.accounting.export.apel;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CloudRecords per session and month, and the APEL message they are written as, read back the way APEL's loader
 * reads it (header line, records split at {@code %%}, each line {@code Key: value} split at the first colon; times
 * in UNIX seconds, integer fields as integers).
 */
class ApelExportTest {
  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant AFTER = Instant.parse("2026-12-07T00:00:00Z");

  static UsageRecord rec(String id, String session, Metric m, String start, String end, String value) {
    return new UsageRecord("broker", id, "esrf", "esrf-cloud", null, session, "u-1", "MX-2415", "mx", m,
        Instant.parse(start), Instant.parse(end), new BigDecimal(value), true, false);
  }

  /** The message as APEL's loader reads it: the header, then one key-value map per record. */
  static List<Map<String, String>> parse(String message) {
    String[] lines = message.strip().split("\n", 2);
    assertThat(lines[0]).isEqualTo("APEL-cloud-message: v0.4");
    List<Map<String, String>> out = new ArrayList<>();
    for (String record : lines.length > 1 ? lines[1].split("%%") : new String[0]) {
      if (record.isBlank()) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : record.strip().split("\n")) {
        int colon = line.indexOf(':');
        assertThat(colon).as("a key-value line: " + line).isPositive();
        fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
      out.add(fields);
    }
    return out;
  }

  @Test
  void buildWhenSessionsInAndAcrossTheMonthThenOneCumulativeRecordEach() {
    List<UsageRecord> rs = List.of(
        rec("a-cpu", "s-a", Metric.CPU_CORE_HOURS, "2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", "8"),
        rec("a-mem", "s-a", Metric.MEMORY_GIB_HOURS, "2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", "16"),
        rec("a-disk", "s-a", Metric.STORAGE_GIB_DAYS, "2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", "5"),
        rec("a-staged", "s-a", Metric.DATA_STAGED_GIB, "2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", "42.4"),
        rec("b-cpu", "s-b", Metric.CPU_CORE_HOURS, "2026-11-30T22:00:00Z", "2026-12-01T02:00:00Z", "16"));
    List<CloudRecord> out = ApelExport.build(rs, FROM, TO, AFTER);
    List<Map<String, String>> parsed = parse(ApelMessage.write(out));
    assertThat(parsed).hasSize(2);
    Map<String, String> a = parsed.get(0);
    assertThat(a).containsEntry("VMUUID", "s-a").containsEntry("SiteName", "esrf")
        .containsEntry("CloudComputeService", "esrf-cloud").containsEntry("MachineName", "s-a")
        .containsEntry("LocalGroupId", "MX-2415").containsEntry("GlobalUserName", "u-1").containsEntry("FQAN", "mx")
        .containsEntry("Status", "completed")
        .containsEntry("StartTime", Long.toString(Instant.parse("2026-11-05T10:00:00Z").getEpochSecond()))
        .containsEntry("EndTime", Long.toString(Instant.parse("2026-11-05T12:00:00Z").getEpochSecond()))
        .containsEntry("WallDuration", "7200").containsEntry("CpuDuration", "28800").containsEntry("CpuCount", "4")
        .containsEntry("Memory", "8192").containsEntry("Disk", "60").containsEntry("NetworkInbound", "42")
        .containsEntry("CloudType", ApelExport.CLOUD_TYPE);
    Map<String, String> b = parsed.get(1);
    assertThat(b).as("still running at the end of the month: started, no EndTime, only November's part")
        .containsEntry("Status", "started").doesNotContainKey("EndTime").containsEntry("WallDuration", "7200")
        .containsEntry("CpuDuration", "28800").containsEntry("CpuCount", "4").doesNotContainKey("Memory");
  }

  @Test
  void buildWhenMonthNotOverThenStartedEvenIfTheSessionEnded() {
    List<CloudRecord> out = ApelExport.build(List.of(rec("c", "s-c", Metric.CPU_CORE_HOURS, "2026-11-05T10:00:00Z",
        "2026-11-05T11:00:00Z", "1")), FROM, TO, Instant.parse("2026-11-20T00:00:00Z"));
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo("started");
      assertThat(r.endTime()).isNull();
    });
  }

  @Test
  void writeWhenNoRecordsThenHeaderOnly() {
    assertThat(ApelMessage.write(List.of())).isEqualTo("APEL-cloud-message: v0.4\n");
    assertThat(parse(ApelMessage.write(List.of()))).isEmpty();
  }
}
