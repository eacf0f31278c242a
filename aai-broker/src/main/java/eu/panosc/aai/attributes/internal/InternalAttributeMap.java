package eu.panosc.aai.attributes.internal;

import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * SATOSA's {@code internal_attributes.yaml}, accepted as is: the {@code attributes} map (internal name → profile
 * ({@code saml}, {@code openid}, or any other, which is kept but unused) → external names), {@code
 * user_id_from_attrs}, {@code user_id_to_attr} and {@code hash}. Internal values are always lists of text.
 *
 * <p>Inbound ({@link #toInternal}), the values of every external name listed for the profile are merged in the
 * listed order, without duplicates; a dotted name ({@code address.street_address}) reads a nested claim.
 * Outbound ({@link #fromInternal}), the first external name of the profile is written; a dotted name writes
 * nested objects, and two dotted names sharing a parent are merged into one object (SATOSA would keep only the
 * last). Values with control characters or longer than {@link #MAX_VALUE_LENGTH} characters are dropped (the
 * platform's {@link eu.panosc.platform.input.Input} rule). Differences from SATOSA, on purpose: values are
 * de-duplicated; {@code false} and {@code 0} are kept as
 * text; {@code template_attributes} (Mako templates) is refused at start with a clear message.
 *
 * @see <a href="https://github.com/IdentityPython/SATOSA/blob/master/doc/README.md">SATOSA: attribute mapping</a>
 */
public final class InternalAttributeMap {
  /** The profile of SAML upstreams (values keyed by the SAML friendly name). */
  public static final String SAML = "saml";
  /** The profile of OpenID Connect upstreams (values keyed by claim name). */
  public static final String OPENID = "openid";

  private static final Set<String> TOP_KEYS = Set.of("attributes", "user_id_from_attrs", "user_id_to_attr", "hash");
  private static final String SEPARATOR = ".";
  /** The longest attribute value taken from an upstream; longer values are dropped. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private final String source;
  private final Map<String, Map<String, List<String>>> attributes;
  private final List<String> userIdFromAttrs;
  private final Optional<String> userIdToAttr;
  private final List<String> hash;

  private InternalAttributeMap(String source, Map<String, Map<String, List<String>>> attributes,
      List<String> userIdFromAttrs, Optional<String> userIdToAttr, List<String> hash) {
    this.source = source;
    this.attributes = attributes;
    this.userIdFromAttrs = userIdFromAttrs;
    this.userIdToAttr = userIdToAttr;
    this.hash = hash;
  }

  /**
   * Reads a parsed {@code internal_attributes.yaml}.
   *
   * @throws AttributeConfigException naming the file, line and key of the first problem
   */
  public static InternalAttributeMap from(YNode root) {
    YNode.Mapping top = root.mapping("internal attributes");
    if (top.get("template_attributes") != null) {
      throw new AttributeConfigException(top.source(), top.keyLine("template_attributes"),
          "template_attributes (SATOSA's Mako templates) is not supported; derive such values with an "
              + "attribute processor instead");
    }
    top.onlyKeys(TOP_KEYS, "internal attributes");
    YNode.Mapping attrs = top.required("attributes", "internal attributes").mapping("attributes");
    Map<String, Map<String, List<String>>> parsed = new LinkedHashMap<>();
    for (String internal : attrs.keys()) {
      int line = attrs.keyLine(internal);
      if (internal.isBlank()) {
        throw new AttributeConfigException(top.source(), line, "attributes: an internal attribute name is empty");
      }
      YNode.Mapping profiles = attrs.get(internal).mapping("attributes." + internal);
      Map<String, List<String>> byProfile = new LinkedHashMap<>();
      for (String profile : profiles.keys()) {
        String key = "attributes." + internal + "." + profile;
        List<String> names = profiles.get(profile).texts(key);
        if (names.isEmpty()) {
          throw new AttributeConfigException(top.source(), profiles.keyLine(profile),
              key + ": expected a list of at least one external attribute name");
        }
        for (String name : names) {
          if (name.isBlank() || name.startsWith(SEPARATOR) || name.endsWith(SEPARATOR) || name.contains("..")) {
            throw new AttributeConfigException(top.source(), profiles.keyLine(profile),
                key + ": '" + name + "' is not an attribute name (a dotted name needs a name on each side of a dot)");
          }
        }
        byProfile.put(profile, List.copyOf(names));
      }
      parsed.put(internal, java.util.Collections.unmodifiableMap(byProfile));
    }
    List<String> fromAttrs = top.get("user_id_from_attrs") == null ? List.of()
        : top.get("user_id_from_attrs").texts("user_id_from_attrs");
    for (String name : fromAttrs) {
      if (!parsed.containsKey(name)) {
        throw new AttributeConfigException(top.source(), top.keyLine("user_id_from_attrs"),
            "user_id_from_attrs: '" + name + "' is not an internal attribute of 'attributes'");
      }
    }
    Optional<String> toAttr = Optional.ofNullable(top.get("user_id_to_attr"))
        .filter(n -> !(n instanceof YNode.Scalar s && s.isNull())).map(n -> n.text("user_id_to_attr"));
    List<String> hash = top.get("hash") == null ? List.of() : top.get("hash").texts("hash");
    for (String name : hash) {
      if (!parsed.containsKey(name)) {
        throw new AttributeConfigException(top.source(), top.keyLine("hash"),
            "hash: '" + name + "' is not an internal attribute of 'attributes'");
      }
    }
    InternalAttributeMap map = new InternalAttributeMap(top.source(),
        java.util.Collections.unmodifiableMap(parsed), List.copyOf(fromAttrs), toAttr, List.copyOf(hash));
    map.checkOutboundShapes(attrs);
    return map;
  }

  /** Refuses a profile whose outbound names would put a value and an object at the same place. */
  private void checkOutboundShapes(YNode.Mapping attrs) {
    Map<String, Map<String, String>> firstNames = new LinkedHashMap<>();
    for (var e : attributes.entrySet()) {
      for (var p : e.getValue().entrySet()) {
        firstNames.computeIfAbsent(p.getKey(), k -> new LinkedHashMap<>()).put(e.getKey(), p.getValue().getFirst());
      }
    }
    for (var profile : firstNames.entrySet()) {
      Map<String, String> owners = new LinkedHashMap<>();
      for (var e : profile.getValue().entrySet()) {
        String name = e.getValue();
        String previous = owners.putIfAbsent(name, e.getKey());
        if (previous != null) {
          continue; // two internal attributes written to one claim: the later one wins, as in SATOSA
        }
        for (var other : owners.entrySet()) {
          if (!other.getKey().equals(name) && (other.getKey().startsWith(name + SEPARATOR)
              || name.startsWith(other.getKey() + SEPARATOR))) {
            throw new AttributeConfigException(source, attrs.keyLine(e.getKey()), "attributes." + e.getKey() + "."
                + profile.getKey() + ": '" + name + "' and '" + other.getKey() + "' (of " + other.getValue()
                + ") would be written to the same place, once as a value and once as an object");
          }
        }
      }
    }
  }

  /** The file this map was read from. */
  public String source() {
    return source;
  }

  /** The internal attribute names, in file order. */
  public Set<String> names() {
    return attributes.keySet();
  }

  /** The external names of {@code internal} in {@code profile}, empty when the profile does not list it. */
  public List<String> externalNames(String internal, String profile) {
    return attributes.getOrDefault(internal, Map.of()).getOrDefault(profile, List.of());
  }

  /** Every external name any internal attribute lists for {@code profile}. */
  public Set<String> externalNames(String profile) {
    Set<String> out = new LinkedHashSet<>();
    for (var m : attributes.values()) {
      out.addAll(m.getOrDefault(profile, List.of()));
    }
    return out;
  }

  /** SATOSA's {@code user_id_from_attrs}: internal attributes whose values, concatenated, form a user id. */
  public List<String> userIdFromAttrs() {
    return userIdFromAttrs;
  }

  /** SATOSA's {@code user_id_to_attr}: the internal attribute that receives the user id. */
  public Optional<String> userIdToAttr() {
    return userIdToAttr;
  }

  /** SATOSA's (older) {@code hash}: internal attributes whose values are hashed. */
  public List<String> hash() {
    return hash;
  }

  /**
   * Converts external values (SAML friendly name or claim name → a value, a list of values or a nested object)
   * to internal attributes: each internal attribute gets the values of all its external names for {@code
   * profile}, in the listed order, duplicates dropped; an attribute without values is left out.
   */
  public Map<String, List<String>> toInternal(String profile, Map<String, ?> external) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(external, "external");
    Map<String, List<String>> internal = new LinkedHashMap<>();
    for (var e : attributes.entrySet()) {
      List<String> names = e.getValue().get(profile);
      if (names == null) {
        continue;
      }
      Set<String> values = new LinkedHashSet<>();
      for (String name : names) {
        addValues(values, lookup(name, external));
      }
      if (!values.isEmpty()) {
        internal.put(e.getKey(), List.copyOf(values));
      }
    }
    return internal;
  }

  private static Object lookup(String name, Map<String, ?> external) {
    if (external.containsKey(name)) {
      return external.get(name);
    }
    if (!name.contains(SEPARATOR)) {
      return null;
    }
    Object current = external;
    for (String part : name.split("\\.", -1)) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(part);
    }
    return current;
  }

  private static void addValues(Set<String> into, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> c) {
      for (Object o : c) {
        addScalar(into, o);
      }
    } else if (value instanceof Iterable<?> it) {
      for (Object o : it) {
        addScalar(into, o);
      }
    } else {
      addScalar(into, value);
    }
  }

  private static void addScalar(Set<String> into, Object o) {
    if (o instanceof String || o instanceof Number || o instanceof Boolean) {
      String s = o.toString();
      if (!s.isEmpty() && eu.panosc.platform.input.Input.isClean(s, MAX_VALUE_LENGTH)) {
        into.add(s);
      }
    }
  }

  /**
   * Converts internal attributes to {@code profile}'s names: each attribute present and listed for the profile
   * is written under the profile's first external name, as a list of values; a dotted name builds nested
   * objects. Attributes the map or the profile does not know are left out.
   */
  public Map<String, Object> fromInternal(String profile, Map<String, List<String>> internal) {
    Objects.requireNonNull(profile, "profile");
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : internal.entrySet()) {
      List<String> names = externalNames(e.getKey(), profile);
      if (names.isEmpty() || e.getValue() == null) {
        continue;
      }
      String[] path = names.getFirst().split("\\.", -1);
      Map<String, Object> target = out;
      for (int i = 0; i < path.length - 1; i++) {
        Object child = target.get(path[i]);
        if (!(child instanceof Map<?, ?>)) {
          child = new LinkedHashMap<String, Object>();
          target.put(path[i], child);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> next = (Map<String, Object>) child;
        target = next;
      }
      target.put(path[path.length - 1], new ArrayList<>(e.getValue()));
    }
    return out;
  }
}
