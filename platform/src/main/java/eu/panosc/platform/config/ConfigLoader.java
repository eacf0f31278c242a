package eu.panosc.platform.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads the deployment configuration: YAML file (optional) → {@code ${ENV}} expansion → overrides
 * from the command line and well-known environment variables → validated {@link PanoscConfig}.
 */
public final class ConfigLoader {
  /** Environment variable naming an external database; overrides {@code database.url}. */
  public static final String DB_URL_ENV = "PANOSC_DB_URL";

  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /**
   * @param file the YAML file, if any
   * @param overrides dotted keys to values (e.g. {@code server.port=9090}), applied last
   */
  public PanoscConfig load(Optional<Path> file, Map<String, String> overrides) {
    return bind(file.map(this::read).orElseGet(LinkedHashMap::new), overrides);
  }

  /** Parses YAML text; for tests and for configuration held in memory. Same precedence as {@link #load}. */
  public PanoscConfig loadString(String yaml, Map<String, String> overrides) {
    return bind(parse(yaml, "<string>"), overrides);
  }

  private PanoscConfig bind(Map<String, Object> parsed, Map<String, String> overrides) {
    Map<String, Object> tree = expand("", parsed);
    String dbUrl = env.get(DB_URL_ENV);
    if (dbUrl != null && !dbUrl.isBlank()) {
      put(tree, "database.url", dbUrl.trim());
    }
    overrides.forEach((k, v) -> put(tree, k, v));
    return PanoscConfig.from(ConfigNode.of("", tree));
  }

  private Map<String, Object> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("config", "cannot read " + file.toAbsolutePath() + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    return parse(text, file.toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String text, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(1_000_000);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    Object doc;
    try {
      doc = yaml.load(text);
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark();
      throw new ConfigException("config", source + " is not valid YAML at line "
          + (mark == null ? "?" : mark.getLine() + 1) + ", column "
          + (mark == null ? "?" : mark.getColumn() + 1) + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException("config", source + " is not valid YAML: " + e.getMessage());
    }
    if (doc == null) {
      return new LinkedHashMap<>();
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException("config", source + " must be a mapping of sections (server, database, ...)");
    }
    for (Object k : map.keySet()) {
      if (!(k instanceof String)) {
        throw new ConfigException("config", source + ": key " + k + " must be a string");
      }
    }
    return new LinkedHashMap<>((Map<String, Object>) map);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> expand(String path, Map<String, Object> node) {
    EnvExpander expander = new EnvExpander(env);
    Map<String, Object> out = new LinkedHashMap<>();
    node.forEach((k, v) -> {
      String key = path.isEmpty() ? String.valueOf(k) : path + "." + k;
      out.put(String.valueOf(k), expandValue(expander, key, v));
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private Object expandValue(EnvExpander expander, String key, Object v) {
    if (v instanceof String s) {
      return expander.expand(key, s);
    }
    if (v instanceof Map<?, ?> m) {
      return expand(key, (Map<String, Object>) m);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(expandValue(expander, key + "[" + i + "]", list.get(i)));
      }
      return out;
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.get(parts[i]);
      if (!(child instanceof Map<?, ?>)) {
        child = new LinkedHashMap<String, Object>();
        node.put(parts[i], child);
      } else {
        child = new LinkedHashMap<>((Map<String, Object>) child);
        node.put(parts[i], child);
      }
      node = (Map<String, Object>) child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
