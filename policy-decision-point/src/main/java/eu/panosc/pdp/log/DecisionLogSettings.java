package eu.panosc.pdp.log;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The {@code services.pdp.decisionLog} configuration section.
 *
 * @param enabled whether decisions are recorded (the purge and the query API work either way)
 * @param maskSubjects how {@code subject.id} is stored
 * @param maskProperties property paths dropped before a row is written, e.g. {@code subject.properties.entitlements}
 * @param retention rows older than this are purged
 * @param maxRows at most this many rows are kept (the oldest beyond it are purged)
 * @param queueCapacity entries waiting in memory; beyond it entries are dropped and counted
 * @param batchSize rows per INSERT
 * @param writers INSERTs that may run at once (each on its own pooled connection), so the log keeps up with
 *     more decisions per second than one connection's round trips allow
 * @param flushInterval how often the queue is written
 * @param purgeInterval how often retention and maxRows are applied
 */
public record DecisionLogSettings(boolean enabled, SubjectMasking maskSubjects, List<String> maskProperties,
    Duration retention, int maxRows, int queueCapacity, int batchSize, int writers, Duration flushInterval,
    Duration purgeInterval) {

  /** How the subject id is stored. */
  public enum SubjectMasking { NONE, HASH, DROP }

  /** By default nothing the caller says about the subject beyond its type and id is kept. */
  public static final List<String> DEFAULT_MASK = List.of("subject.properties");
  private static final Set<String> ROOTS = Set.of("subject", "resource", "action");

  public DecisionLogSettings {
    maskProperties = List.copyOf(maskProperties);
  }

  public static DecisionLogSettings defaults() {
    return from(ConfigNode.empty("services.pdp.decisionLog"));
  }

  public static DecisionLogSettings from(ConfigNode node) {
    boolean enabled = node.bool("enabled", true);
    SubjectMasking subjects = node.enumValue("maskSubjects", SubjectMasking.class, SubjectMasking.HASH);
    List<String> mask = DEFAULT_MASK;
    if (node.has("maskProperties")) {
      List<String> given = new ArrayList<>();
      for (String v : node.stringList("maskProperties")) {
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(given::add);
      }
      for (String p : given) {
        if (!validPath(p)) {
          throw new ConfigException(node.path() + ".maskProperties", "'" + p + "' is not a property path; "
              + "paths start with subject.properties, resource.properties, action.properties or context");
        }
      }
      mask = given;
    } else {
      node.stringList("maskProperties");
    }
    Duration retention = node.duration("retention", Duration.ofDays(30));
    if (retention.isNegative() || retention.isZero()) {
      throw new ConfigException(node.path() + ".retention", "must be positive");
    }
    int maxRows = node.integer("maxRows", 10_000_000, 1, Integer.MAX_VALUE);
    int capacity = node.integer("queueCapacity", 50_000, 1, 1_000_000);
    int batch = node.integer("batchSize", 1000, 1, 5_000);
    int writers = node.integer("writers", 2, 1, 8);
    Duration flush = node.duration("flushInterval", Duration.ofMillis(200));
    Duration purge = node.duration("purgeInterval", Duration.ofHours(1));
    for (var d : List.of(java.util.Map.entry("flushInterval", flush), java.util.Map.entry("purgeInterval", purge))) {
      if (d.getValue().toMillis() < 1) {
        throw new ConfigException(node.path() + "." + d.getKey(), "must be at least 1ms");
      }
    }
    return new DecisionLogSettings(enabled, subjects, mask, retention, maxRows, capacity, batch, writers, flush,
        purge);
  }

  /** {@code subject|resource|action.properties[.key...]} or {@code context[.key...]}, keys non-empty. */
  static boolean validPath(String path) {
    String[] parts = path.split("\\.", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        return false;
      }
    }
    if (parts[0].equals("context")) {
      return true;
    }
    return ROOTS.contains(parts[0]) && parts.length >= 2 && parts[1].equals("properties");
  }
}
