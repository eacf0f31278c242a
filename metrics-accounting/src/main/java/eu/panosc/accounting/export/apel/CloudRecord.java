package eu.panosc.accounting.export.apel;

import java.util.Objects;

/**
 * One APEL CloudRecord (message format v0.4): one analysis session (the "VM") in one month, cumulative for that
 * month. Times are UNIX seconds; durations seconds; {@code memory} MB, {@code disk} and {@code networkInbound} GB.
 * Null fields are left out of the message.
 *
 * @see <a href="https://docs.egi.eu/internal/accounting/record-and-message-formats/cloud-accounting/">EGI cloud
 *     accounting record and message formats</a>
 */
public record CloudRecord(String vmUuid, String siteName, String cloudComputeService, String machineName,
    String localGroupId, String globalUserName, String fqan, String status, long startTime, Long endTime,
    long wallDuration, Long cpuDuration, Long cpuCount, Long networkInbound, Long memory, Long disk,
    String cloudType) {
  public CloudRecord {
    Objects.requireNonNull(vmUuid, "vmUuid");
    Objects.requireNonNull(siteName, "siteName");
    Objects.requireNonNull(machineName, "machineName");
    Objects.requireNonNull(status, "status");
  }
}
