package eu.panosc.aai.attributes.yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a YAML (or JSON) attribute configuration file, remembering its source and line so that every error
 * can name both. Three kinds: {@link Scalar}, {@link Mapping} (string keys, in file order) and {@link Sequence}.
 */
public sealed interface YNode permits YNode.Scalar, YNode.Mapping, YNode.Sequence {
  /** The file or resource name. */
  String source();

  /** The 1-based line where the node starts. */
  int line();

  /** An error at this node. */
  default AttributeConfigException error(String message) {
    return new AttributeConfigException(source(), line(), message);
  }

  /** What this node is, for error messages. */
  String kind();

  /** This node as a mapping, or an error naming {@code what} was expected. */
  default Mapping mapping(String what) {
    if (this instanceof Mapping m) {
      return m;
    }
    throw error(what + ": expected a mapping, got " + kind());
  }

  /** This node as a non-null scalar text, or an error. */
  default String text(String what) {
    if (this instanceof Scalar s && !s.isNull()) {
      return s.value();
    }
    throw error(what + ": expected a single value, got " + kind());
  }

  /** This node as a list of texts; a single scalar counts as a list of one; null as an empty list. */
  default List<String> texts(String what) {
    if (this instanceof Scalar s) {
      return s.isNull() ? List.of() : List.of(s.value());
    }
    if (this instanceof Sequence seq) {
      List<String> out = new ArrayList<>();
      for (YNode item : seq.items()) {
        out.add(item.text(what + " item"));
      }
      return List.copyOf(out);
    }
    throw error(what + ": expected a list of values, got " + kind());
  }

  /** This node as a YAML boolean ({@code true/false/yes/no/on/off}), or an error. */
  default boolean bool(String what) {
    return switch (text(what).toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(what + ": expected true or false, got '" + text(what) + "'");
    };
  }

  /** A scalar; {@code isNull} for an empty value or {@code null}/{@code ~}. */
  record Scalar(String source, int line, String value, boolean isNull) implements YNode {
    public Scalar {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String kind() {
      return isNull ? "an empty value" : "a single value";
    }
  }

  /** A list. */
  record Sequence(String source, int line, List<YNode> items) implements YNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A mapping with text keys in file order; {@link #keyLine} gives each key's own line. */
  record Mapping(String source, int line, Map<String, YNode> entries, Map<String, Integer> keyLines)
      implements YNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
      keyLines = Map.copyOf(keyLines);
    }

    @Override
    public String kind() {
      return "a mapping";
    }

    public Set<String> keys() {
      return entries.keySet();
    }

    /** The value at {@code key}, or null when absent. */
    public YNode get(String key) {
      return entries.get(key);
    }

    /** The value at {@code key}, or an error naming the key. */
    public YNode required(String key, String what) {
      YNode n = entries.get(key);
      if (n == null || n instanceof Scalar s && s.isNull()) {
        throw error(what + ": the key '" + key + "' is required");
      }
      return n;
    }

    public int keyLine(String key) {
      return keyLines.getOrDefault(key, line);
    }

    /** Fails on the first key not in {@code known}, naming it, its line and the known keys. */
    public void onlyKeys(Collection<String> known, String what) {
      for (String k : entries.keySet()) {
        if (!known.contains(k)) {
          throw new AttributeConfigException(source, keyLine(k),
              what + ": unknown key '" + k + "'; known keys here are " + new TreeSet<>(known));
        }
      }
    }
  }
}
