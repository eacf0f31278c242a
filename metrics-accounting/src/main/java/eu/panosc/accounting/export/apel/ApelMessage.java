package eu.panosc.accounting.export.apel;

import java.util.List;

/**
 * Writes CloudRecords as one APEL message: the header line {@code APEL-cloud-message: v0.4}, then each record as
 * {@code Key: value} lines ended by a line {@code %%}. Fields without a value are left out, as APEL's own writer
 * does; line ends are LF.
 */
public final class ApelMessage {
  public static final String HEADER = "APEL-cloud-message: v0.4";

  private ApelMessage() {}

  public static String write(List<CloudRecord> records) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (CloudRecord r : records) {
      field(sb, "VMUUID", r.vmUuid());
      field(sb, "SiteName", r.siteName());
      field(sb, "CloudComputeService", r.cloudComputeService());
      field(sb, "MachineName", r.machineName());
      field(sb, "LocalGroupId", r.localGroupId());
      field(sb, "GlobalUserName", r.globalUserName());
      field(sb, "FQAN", r.fqan());
      field(sb, "Status", r.status());
      field(sb, "StartTime", r.startTime());
      field(sb, "EndTime", r.endTime());
      field(sb, "WallDuration", r.wallDuration());
      field(sb, "CpuDuration", r.cpuDuration());
      field(sb, "CpuCount", r.cpuCount());
      field(sb, "NetworkInbound", r.networkInbound());
      field(sb, "Memory", r.memory());
      field(sb, "Disk", r.disk());
      field(sb, "CloudType", r.cloudType());
      sb.append("%%\n");
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String key, Object value) {
    if (value != null) {
      sb.append(key).append(": ").append(value).append('\n');
    }
  }
}
