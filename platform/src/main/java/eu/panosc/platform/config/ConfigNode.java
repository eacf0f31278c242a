package eu.panosc.platform.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML configuration tree with typed, validating accessors. Every error names
 * the full dotted key and what is expected. Readers mark the keys they consume, so that
 * {@link #rejectUnknownKeys()} can report a misspelt key instead of silently ignoring it.
 */
public final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final String path;
  private final Map<String, Object> values;
  private final Set<String> consumed = new LinkedHashSet<>();

  ConfigNode(String path, Map<String, Object> values) {
    this.path = Objects.requireNonNull(path, "path");
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** An empty node at {@code path}, for absent optional sections. */
  public static ConfigNode empty(String path) {
    return new ConfigNode(path, Map.of());
  }

  /** A node over already-expanded values; for tests and programmatic configuration. */
  public static ConfigNode of(String path, Map<String, Object> values) {
    return new ConfigNode(path, values);
  }

  public String path() {
    return path;
  }

  public boolean has(String key) {
    return values.containsKey(key) && values.get(key) != null;
  }

  public Set<String> keys() {
    return values.keySet();
  }

  String keyOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private Optional<Object> raw(String key) {
    consumed.add(key);
    return Optional.ofNullable(values.get(key));
  }

  public Optional<String> optionalString(String key) {
    return raw(key).map(v -> {
      if (v instanceof Map<?, ?> || v instanceof List<?>) {
        throw new ConfigException(keyOf(key), "expected a single value, got a "
            + (v instanceof Map<?, ?> ? "mapping" : "list"));
      }
      return v.toString().trim();
    }).filter(s -> !s.isEmpty());
  }

  public String string(String key, String fallback) {
    return optionalString(key).orElse(fallback);
  }

  public String requiredString(String key) {
    return optionalString(key).orElseThrow(
        () -> new ConfigException(keyOf(key), "is required but missing"));
  }

  public int integer(String key, int fallback, int min, int max) {
    Optional<String> s = optionalString(key);
    if (s.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(s.get());
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(keyOf(key), "expected an integer between " + min + " and " + max
          + ", got '" + s.get() + "'");
    }
  }

  public boolean bool(String key, boolean fallback) {
    Optional<String> s = optionalString(key);
    if (s.isEmpty()) {
      return fallback;
    }
    return switch (s.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new ConfigException(keyOf(key), "expected true or false, got '" + s.get() + "'");
    };
  }

  /** A duration written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
  public Duration duration(String key, Duration fallback) {
    Optional<String> s = optionalString(key);
    if (s.isEmpty()) {
      return fallback;
    }
    var m = DURATION.matcher(s.get());
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(s.get());
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new ConfigException(keyOf(key),
          "expected a duration such as 500ms, 30s, 5m or PT30S, got '" + s.get() + "'");
    }
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
    Optional<String> s = optionalString(key);
    if (s.isEmpty()) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s.get())) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(keyOf(key), "expected one of " + allowed + ", got '" + s.get() + "'");
  }

  public Optional<URI> optionalUri(String key, Set<String> schemes) {
    return optionalString(key).map(s -> {
      try {
        URI uri = new URI(s);
        if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
            || uri.getHost() == null) {
          throw new URISyntaxException(s, "scheme");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new ConfigException(keyOf(key), "expected an absolute URL with scheme "
            + String.join(" or ", new TreeSet<>(schemes)) + ", got '" + s + "'");
      }
    });
  }

  public Path path(String key, Path fallback) {
    return optionalString(key).map(Path::of).orElse(fallback);
  }

  public List<String> stringList(String key) {
    Optional<Object> v = raw(key);
    if (v.isEmpty()) {
      return List.of();
    }
    if (v.get() instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (o instanceof Map<?, ?> || o instanceof List<?>) {
          throw new ConfigException(keyOf(key), "expected a list of single values");
        }
        out.add(String.valueOf(o));
      }
      return List.copyOf(out);
    }
    return List.of(String.valueOf(v.get()));
  }

  /** The nested mapping at {@code key}, or an empty node when absent. */
  @SuppressWarnings("unchecked")
  public ConfigNode node(String key) {
    Optional<Object> v = raw(key);
    if (v.isEmpty()) {
      return empty(keyOf(key));
    }
    if (!(v.get() instanceof Map<?, ?> map)) {
      throw new ConfigException(keyOf(key), "expected a mapping of keys to values");
    }
    return new ConfigNode(keyOf(key), (Map<String, Object>) map);
  }

  /** Reads and validates a section with {@code reader}, then rejects keys the reader did not read. */
  public <T> T read(String key, Function<ConfigNode, T> reader) {
    ConfigNode child = node(key);
    T value = reader.apply(child);
    child.rejectUnknownKeys();
    return value;
  }

  /** Fails on any key that no accessor has read, naming it and the keys that are known. */
  public void rejectUnknownKeys() {
    for (String k : values.keySet()) {
      if (!consumed.contains(k)) {
        throw new ConfigException(keyOf(k), "unknown key; known keys here are " + new TreeSet<>(consumed));
      }
    }
  }

  /** The values as plain maps and lists, e.g. to hand a service section to its own reader. */
  public Map<String, Object> asMap() {
    return values;
  }
}
