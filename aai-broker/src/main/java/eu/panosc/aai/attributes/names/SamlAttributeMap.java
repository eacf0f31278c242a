package eu.panosc.aai.attributes.names;

import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * SAML attribute names ↔ friendly names, from attribute maps in pysaml2's structure ({@code identifier}: the
 * NameFormat a map applies to; {@code fro}: Name → friendly name; {@code to}: friendly name → Name; either
 * direction is derived from the other when left out), in YAML or JSON; a file may hold one map or a list of
 * them. The built-in map ({@link #DEFAULT_RESOURCE}) covers eduPerson, voPerson, SCHAC, core person attributes
 * and SAML subject-id / pairwise-id; maps given later take precedence for the names they define.
 *
 * <p>An inbound attribute is mapped by its Name within the maps of its NameFormat (all maps when the format is
 * absent or unspecified); a {@code basic} attribute whose Name is already a known friendly name keeps it. The
 * FriendlyName an IdP sends is never trusted for mapping: an attribute no map knows is left out and reported
 * by name in {@link Mapped#unmapped()}.
 *
 * @see <a href="https://pysaml2.readthedocs.io/en/latest/howto/config.html#attribute-map-dir">pysaml2
 *     attribute_map_dir</a>
 */
public final class SamlAttributeMap {
  /** The class-path resource of the built-in map. */
  public static final String DEFAULT_RESOURCE = "attributes/saml-uri.yaml";

  /** The longest attribute value taken from an IdP; longer values (and values with control characters) are dropped. */
  public static final int MAX_VALUE_LENGTH = 4096;
  private static final Set<String> KEYS = Set.of("identifier", "fro", "to");

  /** NameFormat → (Name → friendly name). */
  private final Map<String, Map<String, String>> fro;
  /** NameFormat → (friendly name → Name). */
  private final Map<String, Map<String, String>> to;

  private SamlAttributeMap(Map<String, Map<String, String>> fro, Map<String, Map<String, String>> to) {
    this.fro = fro;
    this.to = to;
  }

  /** The result of mapping inbound attributes: friendly name → values, and the Names no map knows. */
  public record Mapped(Map<String, List<String>> byFriendlyName, List<String> unmapped) {
    public Mapped {
      byFriendlyName = Collections.unmodifiableMap(new LinkedHashMap<>(byFriendlyName));
      unmapped = List.copyOf(unmapped);
    }
  }

  /**
   * Builds the map from parsed files, in order (later files override earlier ones name by name).
   *
   * @throws AttributeConfigException naming the file, line and key of the first problem
   */
  public static SamlAttributeMap from(List<YNode> files) {
    Map<String, Map<String, String>> fro = new LinkedHashMap<>();
    Map<String, Map<String, String>> to = new LinkedHashMap<>();
    for (YNode file : files) {
      List<YNode> maps = file instanceof YNode.Sequence seq ? seq.items() : List.of(file);
      if (maps.isEmpty()) {
        throw file.error("attribute map: expected a map with identifier, fro and to, got an empty list");
      }
      for (YNode node : maps) {
        readOne(node.mapping("attribute map"), fro, to);
      }
    }
    return new SamlAttributeMap(freeze(fro), freeze(to));
  }

  private static void readOne(YNode.Mapping m, Map<String, Map<String, String>> fro,
      Map<String, Map<String, String>> to) {
    m.onlyKeys(KEYS, "attribute map");
    String format = m.required("identifier", "attribute map").text("identifier");
    if (m.get("fro") == null && m.get("to") == null) {
      throw m.error("attribute map " + format + ": needs 'fro' (Name to friendly name) or 'to' (friendly name "
          + "to Name)");
    }
    Map<String, String> f = pairs(m, "fro");
    Map<String, String> t = pairs(m, "to");
    if (m.get("to") == null) {
      f.forEach((name, friendly) -> t.putIfAbsent(friendly, name));
    }
    if (m.get("fro") == null) {
      t.forEach((friendly, name) -> f.putIfAbsent(name, friendly));
    }
    fro.computeIfAbsent(format, k -> new LinkedHashMap<>()).putAll(f);
    to.computeIfAbsent(format, k -> new LinkedHashMap<>()).putAll(t);
  }

  private static Map<String, String> pairs(YNode.Mapping m, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    YNode n = m.get(key);
    if (n == null) {
      return out;
    }
    YNode.Mapping pairs = n.mapping(key);
    for (String k : pairs.keys()) {
      if (k.isBlank()) {
        throw new AttributeConfigException(m.source(), pairs.keyLine(k), key + ": an attribute name is empty");
      }
      String v = pairs.get(k).text(key + "." + k);
      if (v.isBlank()) {
        throw new AttributeConfigException(m.source(), pairs.keyLine(k), key + "." + k + ": the name is empty");
      }
      out.put(k, v);
    }
    return out;
  }

  private static Map<String, Map<String, String>> freeze(Map<String, Map<String, String>> m) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    return Collections.unmodifiableMap(out);
  }

  /** The friendly name of {@code attribute}, empty when no map knows it. */
  public Optional<String> friendlyName(SamlAttribute attribute) {
    String format = attribute.effectiveNameFormat();
    if (SamlAttribute.UNSPECIFIED.equals(format)) {
      for (Map<String, String> m : fro.values()) {
        if (m.containsKey(attribute.name())) {
          return Optional.of(m.get(attribute.name()));
        }
      }
      return knownFriendly(attribute.name());
    }
    Map<String, String> m = fro.get(format);
    if (m != null && m.containsKey(attribute.name())) {
      return Optional.of(m.get(attribute.name()));
    }
    return SamlAttribute.BASIC.equals(format) ? knownFriendly(attribute.name()) : Optional.empty();
  }

  private Optional<String> knownFriendly(String name) {
    for (Map<String, String> m : to.values()) {
      if (m.containsKey(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** The SAML Name of {@code friendlyName} in {@code nameFormat} (e.g. for RequestedAttribute), if mapped. */
  public Optional<String> samlName(String friendlyName, String nameFormat) {
    return Optional.ofNullable(to.getOrDefault(nameFormat, Map.of()).get(friendlyName));
  }

  /** The NameFormats this map covers. */
  public Set<String> nameFormats() {
    return fro.keySet();
  }

  /**
   * Maps inbound attributes to friendly name → values (values of attributes with the same friendly name merged
   * in order, duplicates dropped), reporting the Names no map knows.
   */
  public Mapped map(List<SamlAttribute> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    Map<String, Set<String>> values = new LinkedHashMap<>();
    List<String> unmapped = new ArrayList<>();
    for (SamlAttribute a : attributes) {
      Optional<String> friendly = friendlyName(a);
      if (friendly.isEmpty()) {
        unmapped.add(a.name());
        continue;
      }
      Set<String> into = values.computeIfAbsent(friendly.get(), k -> new LinkedHashSet<>());
      for (String v : a.values()) {
        if (v != null && !v.isEmpty() && eu.panosc.platform.input.Input.isClean(v, MAX_VALUE_LENGTH)) {
          into.add(v);
        }
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return new Mapped(out, unmapped);
  }
}
