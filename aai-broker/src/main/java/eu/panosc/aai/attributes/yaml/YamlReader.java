package eu.panosc.aai.attributes.yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML or JSON attribute configuration file into {@link YNode}s with line numbers. Only plain data: no
 * anchors beyond a small bound, no duplicate keys, no custom tags except SATOSA's {@code !ENV NAME} (the value
 * of environment variable {@code NAME}; a missing variable is an error naming it, never its value).
 */
public final class YamlReader {
  private static final int MAX_CODE_POINTS = 2_000_000;
  private static final String ENV_TAG = "!ENV";

  private final UnaryOperator<String> environment;

  /** @param environment looks up an environment variable (null when unset); e.g. {@code System::getenv} */
  public YamlReader(UnaryOperator<String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** A reader over the process environment. */
  public static YamlReader withSystemEnvironment() {
    return new YamlReader(System::getenv);
  }

  /** Reads {@code file}. */
  public YNode read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new AttributeConfigException(file.toString(), 0, "is not UTF-8 text");
    } catch (IOException e) {
      throw new AttributeConfigException(file.toString(), 0, "cannot be read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    return parse(file.toString(), text);
  }

  /** Reads a class-path resource (e.g. the built-in SAML attribute map). */
  public YNode resource(String name) {
    try (var in = YamlReader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AttributeConfigException(name, 0, "no such resource");
      }
      return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AttributeConfigException(name, 0, "cannot be read");
    }
  }

  /** Parses {@code text}, naming errors after {@code source}; an empty document is an error. */
  public YNode parse(String source, String text) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setNestingDepthLimit(40);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new java.io.StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new AttributeConfigException(source, line, "is not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new AttributeConfigException(source, 0, "is not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new AttributeConfigException(source, 0, "is empty");
    }
    return convert(source, root, new HashMap<>());
  }

  private YNode convert(String source, Node node, Map<Node, YNode> seen) {
    YNode done = seen.get(node);
    if (done != null) {
      return done;
    }
    int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    YNode result = switch (node) {
      case ScalarNode s -> scalar(source, line, s);
      case SequenceNode seq -> {
        List<YNode> items = new ArrayList<>();
        for (Node item : seq.getValue()) {
          items.add(convert(source, item, seen));
        }
        yield new YNode.Sequence(source, line, items);
      }
      case MappingNode m -> mapping(source, line, m, seen);
      default -> throw new AttributeConfigException(source, line, "unsupported YAML node");
    };
    seen.put(node, result);
    return result;
  }

  private YNode scalar(String source, int line, ScalarNode s) {
    String tag = s.getTag().getValue();
    if (ENV_TAG.equals(tag)) {
      String name = s.getValue().trim();
      if (name.isEmpty()) {
        throw new AttributeConfigException(source, line, "!ENV needs the name of an environment variable");
      }
      String value = environment.apply(name);
      if (value == null) {
        throw new AttributeConfigException(source, line, "!ENV " + name + ": the environment variable "
            + name + " is not set");
      }
      return new YNode.Scalar(source, line, value, false);
    }
    if (s.getTag().equals(Tag.NULL)) {
      return new YNode.Scalar(source, line, "", true);
    }
    if (!tag.startsWith(Tag.PREFIX)) {
      throw new AttributeConfigException(source, line, "unsupported YAML tag " + tag + " (only !ENV is known)");
    }
    return new YNode.Scalar(source, line, s.getValue(), false);
  }

  private YNode mapping(String source, int line, MappingNode m, Map<Node, YNode> seen) {
    Map<String, YNode> entries = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new HashMap<>();
    for (NodeTuple t : m.getValue()) {
      int keyLine = t.getKeyNode().getStartMark() == null ? line : t.getKeyNode().getStartMark().getLine() + 1;
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new AttributeConfigException(source, keyLine, "a key must be a single value");
      }
      if (t.getKeyNode().getTag().equals(Tag.MERGE)) {
        throw new AttributeConfigException(source, keyLine, "merge keys (<<) are not supported");
      }
      String key = k.getTag().equals(Tag.NULL) ? "" : k.getValue();
      if (entries.containsKey(key)) {
        throw new AttributeConfigException(source, keyLine, "the key '" + key + "' appears twice (first on line "
            + keyLines.get(key) + ")");
      }
      entries.put(key, convert(source, t.getValueNode(), seen));
      keyLines.put(key, keyLine);
    }
    return new YNode.Mapping(source, line, entries, keyLines);
  }
}
