package eu.panosc.accounting;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.time.Duration;

/**
 * The {@code services.accounting} configuration section, validated at start.
 *
 * @param lateAfter a record whose {@code end} lies further than this before its arrival is late: accepted and
 *     flagged in reports (a period already reported on changed)
 * @param maxRecordDuration the longest {@code end - start} of one record (its rollup work grows with it)
 * @param maxBatchRecords the most records in one ingest request (one transaction)
 * @param futureTolerance how far in the future a record's {@code end} may lie (clock skew of the sender)
 * @param readWait how long a report or export waits at most for the rollups to take the records acknowledged before
 *     it (then it answers with the lag stated, or an export refuses)
 * @param rollupInterval how often the background roll-up looks for work another replica acknowledged
 * @param rollupQuiet how long after this replica's last acknowledged batch the background roll-up starts
 * @param rollupMaxYield how old this replica's oldest acknowledged, not yet rolled-up batch may get before the
 *     background roll-up runs alongside ingest
 */
public record AccountingSettings(Duration lateAfter, Duration maxRecordDuration, int maxBatchRecords,
    Duration futureTolerance, Duration readWait, Duration rollupInterval, Duration rollupQuiet,
    Duration rollupMaxYield) {

  public static AccountingSettings from(ConfigNode node) {
    Duration lateAfter = between(node, "lateAfter", Duration.ofDays(2), Duration.ofMinutes(1), Duration.ofDays(3660));
    Duration maxDuration = between(node, "maxRecordDuration", Duration.ofDays(31), Duration.ofMinutes(1),
        Duration.ofDays(366));
    int maxBatch = node.integer("maxBatchRecords", 10_000, 1, 100_000);
    Duration future = between(node, "futureTolerance", Duration.ofMinutes(15), Duration.ZERO, Duration.ofDays(1));
    Duration readWait = between(node, "readWait", Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(30));
    Duration interval = between(node, "rollupInterval", Duration.ofSeconds(1), Duration.ofMillis(100),
        Duration.ofHours(1));
    Duration quiet = between(node, "rollupQuiet", Duration.ofMillis(200), Duration.ZERO, Duration.ofHours(1));
    Duration maxYield = between(node, "rollupMaxYield", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1));
    node.node("eosc"); // the EOSC push's own section, read and checked by export.eosc.EoscSettings
    node.node("reportPage"); // read by web.ReportPageSettings
    node.rejectUnknownKeys();
    return new AccountingSettings(lateAfter, maxDuration, maxBatch, future, readWait, interval, quiet, maxYield);
  }

  private static Duration between(ConfigNode node, String key, Duration fallback, Duration min, Duration max) {
    Duration d = node.duration(key, fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(node.path() + "." + key, "expected a duration from " + text(min) + " to "
          + text(max) + " such as " + text(fallback));
    }
    return d;
  }

  private static String text(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    return d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : d.toSeconds() % 60 == 0 ? d.toMinutes() + "m"
        : d.toSeconds() + "s";
  }
}
