package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.yaml.YNode;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * SATOSA's example files, unchanged, from {@code shared/satosa/} beside the repository or a directory above it
 * (never copied into it); {@code -Dpanosc.satosaCorpus=<dir>} points elsewhere. Without them the corpus tests are skipped, saying so.
 */
public final class SatosaCorpus {
  /** The environment the corpus's {@code !ENV} tags read in tests. */
  public static final Map<String, String> ENV = Map.of("REGEX_MATCH_PATTERN", "^staff-(.*)$",
      "REGEX_REPLACE_PATTERN", "\\1-member");

  private SatosaCorpus() {}

  public static Path dir() {
    String configured = System.getProperty("panosc.satosaCorpus");
    Path dir = configured != null ? Path.of(configured) : beside();
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("internal_attributes.yaml")),
        "SATOSA corpus not found at " + dir.toAbsolutePath() + " (set -Dpanosc.satosaCorpus)");
    return dir;
  }

  /** {@code shared/satosa} beside the repository or one of its parents (the module directory is the start). */
  private static Path beside() {
    for (Path p = Path.of("").toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("satosa");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Path.of("..", "..", "shared", "satosa");
  }

  public static Path file(String name) {
    return dir().resolve(name);
  }

  public static YamlReader reader() {
    return new YamlReader(ENV::get);
  }

  public static YNode read(String name) {
    return reader().read(file(name));
  }
}
