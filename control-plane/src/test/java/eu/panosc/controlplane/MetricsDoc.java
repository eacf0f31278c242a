package eu.panosc.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meters listed in {@code docs/metrics.md}: each table row whose first cell is a backticked metric family name,
 * with the type in the second cell ({@code counter}, {@code gauge}, {@code summary}).
 */
final class MetricsDoc {
  static final Path FILE = Path.of("..", "docs", "metrics.md");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:][a-z0-9_:]*)`\\s*\\|\\s*([a-z]+)\\s*\\|",
      Pattern.MULTILINE);
  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  private MetricsDoc() {}

  /** Family name to type, as documented. */
  static Map<String, String> documented() throws IOException {
    Map<String, String> out = new TreeMap<>();
    Matcher m = ROW.matcher(Files.readString(FILE));
    while (m.find()) {
      if (out.put(m.group(1), m.group(2)) != null) {
        throw new IllegalStateException(m.group(1) + " is listed twice in " + FILE);
      }
    }
    return out;
  }

  /** Family name to type from the {@code # TYPE} lines of a Prometheus text exposition. */
  static Map<String, String> exposed(String scrape) {
    Map<String, String> out = new TreeMap<>();
    Matcher m = TYPE.matcher(scrape);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /**
   * The documented family a sample or family name belongs to: itself, or for a summary's {@code _count},
   * {@code _sum} and {@code _max} the summary; null when none.
   */
  static String familyOf(String name, Map<String, String> documented) {
    if (documented.containsKey(name)) {
      return name;
    }
    for (String suffix : new String[] {"_count", "_sum", "_max"}) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if ("summary".equals(documented.get(base))) {
          return base;
        }
      }
    }
    return null;
  }
}
