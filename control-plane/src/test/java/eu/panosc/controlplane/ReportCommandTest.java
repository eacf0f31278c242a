package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The report command's pieces that need no server: the table, the progress line, refusals. */
class ReportCommandTest {
  @Test
  void tableWhenRowsThenAlignedWithNumbersRightAndAbsentDimensionsDashed() {
    JsonObject report = new JsonObject().put("from", "2026-11-01T00:00:00Z").put("to", "2026-12-01T00:00:00Z")
        .put("granularity", "month").put("groupBy", new JsonArray().add("facility"))
        .put("rows", new JsonArray()
            .add(new JsonObject().put("facility", "esrf").put("metric", "cpu_core_hours").put("value", 10.5)
                .put("uniqueUsers", 2).put("uniqueProposals", 2).put("late", false))
            .add(new JsonObject().putNull("facility").put("metric", "gpu_hours").put("value", 100)
                .put("uniqueUsers", 10).put("uniqueProposals", 1).put("late", true)));
    assertThat(ReportCommand.table(report).lines().toList()).containsExactly(
        "Usage 2026-11-01T00:00:00Z .. 2026-12-01T00:00:00Z (month rollups)",
        "facility  metric          value  users  proposals  late",
        "esrf      cpu_core_hours   10.5      2          2",
        "-         gpu_hours         100     10          1  late");
  }

  @Test
  void tableWhenNoRowsThenSaysSo() {
    assertThat(ReportCommand.table(new JsonObject().put("groupBy", new JsonArray()).put("rows", new JsonArray())))
        .endsWith("(no usage in this period)\n");
  }

  @Test
  void progressLineWhenLengthKnownOrNotThenBarOrBytes() {
    assertThat(ReportCommand.progressLine(512, -1)).isEqualTo("received 512 B");
    assertThat(ReportCommand.progressLine(3 * 1024 * 1024 / 2, 3 * 1024 * 1024))
        .isEqualTo("[###############...............]  50%  1.5 MiB of 3.0 MiB");
  }

  @Test
  void refusalWhenProblemThenTitleDetailAndExitCode() {
    ControlPlaneHttp.Refused r = ReportCommand.refusal(400, new JsonObject().put("title", "Bad Request")
        .put("detail", "period: must be a month").encode());
    assertThat(r.exit).isEqualTo(ReportCommand.EXIT_BAD_REQUEST);
    assertThat(r.getMessage()).isEqualTo("the accounting service refused the report: Bad Request: period: must be a "
        + "month");
    assertThat(ReportCommand.refusal(403, "").exit).isEqualTo(ReportCommand.EXIT_UNAUTHORIZED);
    assertThat(ReportCommand.refusal(500, "<html>").getMessage()).contains("HTTP 500");
    assertThat(ReportCommand.refusal(500, "<html>").exit).isEqualTo(ReportCommand.EXIT_FAILED);
  }
}
