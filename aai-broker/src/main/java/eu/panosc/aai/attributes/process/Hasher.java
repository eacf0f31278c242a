package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces the values of chosen attributes by their salted hash, as SATOSA's {@code Hasher} micro-service: the
 * {@code ""} entry holds the defaults ({@code salt} required, {@code alg} default {@code sha512}, {@code
 * subject_id} default true, {@code attributes} default none), an entry per requester overrides them for that
 * requester. Each value becomes {@link HashAlgorithm#hash}. {@code subject_id} applies to the attribute SATOSA
 * calls the subject id here: the {@code user_id_to_attr} attribute (the canonical user id itself, which keys the
 * user, is never hashed). The salt is never logged.
 */
public final class Hasher implements AttributeProcessor {
  private static final Set<String> KEYS = Set.of("salt", "alg", "subject_id", "attributes");

  /** The settings for one requester. */
  public record Settings(Salt salt, HashAlgorithm alg, boolean subjectId, List<String> attributes) {
    public Settings {
      attributes = List.copyOf(attributes);
    }
  }

  private final Settings defaults;
  private final Map<String, Settings> byRequester;
  private final String subjectIdAttribute;

  Hasher(Settings defaults, Map<String, Settings> byRequester, String subjectIdAttribute) {
    this.defaults = defaults;
    this.byRequester = Map.copyOf(byRequester);
    this.subjectIdAttribute = subjectIdAttribute;
  }

  /**
   * Reads a {@code Hasher} micro-service's {@code config}.
   *
   * @param subjectIdAttribute the internal attribute {@code subject_id} hashes, or null when there is none
   * @param warnings collects start-up warnings (e.g. SHA-1)
   */
  static Hasher from(YNode config, String subjectIdAttribute, List<String> warnings) {
    YNode.Mapping top = config.mapping("config");
    YNode defaultNode = top.get("");
    if (defaultNode == null) {
      throw top.error("Hasher: the default settings (key \"\") with a salt are required");
    }
    Settings defaults = settings(defaultNode.mapping("\"\""), "\"\"", null, warnings);
    Map<String, Settings> byRequester = new LinkedHashMap<>();
    for (String requester : top.keys()) {
      if (!requester.isEmpty()) {
        byRequester.put(requester, settings(top.get(requester).mapping(requester), requester, defaults, warnings));
      }
    }
    return new Hasher(defaults, byRequester, subjectIdAttribute);
  }

  private static Settings settings(YNode.Mapping m, String where, Settings defaults, List<String> warnings) {
    m.onlyKeys(KEYS, where);
    Salt salt = defaults == null ? null : defaults.salt();
    if (m.get("salt") != null) {
      String text = m.get("salt").text(where + ".salt");
      if (text.isEmpty()) {
        throw m.get("salt").error(where + ".salt: must not be empty");
      }
      salt = new Salt(text);
    }
    if (salt == null) {
      throw m.error(where + ": a salt is required (key 'salt')");
    }
    HashAlgorithm alg = defaults == null ? HashAlgorithm.SHA512 : defaults.alg();
    if (m.get("alg") != null) {
      alg = algorithm(m.get("alg"), where + ".alg", warnings);
    }
    boolean subjectId = defaults == null || defaults.subjectId();
    if (m.get("subject_id") != null) {
      subjectId = m.get("subject_id").bool(where + ".subject_id");
    }
    List<String> attributes = defaults == null ? List.of() : defaults.attributes();
    if (m.get("attributes") != null) {
      attributes = m.get("attributes").texts(where + ".attributes");
    }
    return new Settings(salt, alg, subjectId, attributes);
  }

  static HashAlgorithm algorithm(YNode node, String where, List<String> warnings) {
    String name = node.text(where);
    HashAlgorithm alg = HashAlgorithm.byName(name).orElseThrow(() -> node.error(where + ": unknown hash algorithm '"
        + name + "'; known are " + HashAlgorithm.names()));
    if (alg == HashAlgorithm.SHA1) {
      warnings.add(new AttributeConfigException(node.source(), node.line(), where + ": sha1 is weak; prefer sha256 "
          + "or sha512").getMessage());
    }
    return alg;
  }

  /** The settings that apply to {@code requester} (null: the defaults). */
  public Settings settingsFor(String requester) {
    return requester == null ? defaults : byRequester.getOrDefault(requester, defaults);
  }

  @Override
  public void apply(ProcessingContext context, Map<String, List<String>> attributes) {
    Settings s = settingsFor(context.requester());
    List<String> names = new ArrayList<>(s.attributes());
    if (s.subjectId() && subjectIdAttribute != null && !names.contains(subjectIdAttribute)) {
      names.add(subjectIdAttribute);
    }
    for (String name : names) {
      List<String> values = attributes.get(name);
      if (values != null) {
        attributes.put(name, values.stream().map(v -> s.alg().hash(v, s.salt())).toList());
      }
    }
  }

  @Override
  public Set<String> readsAttributes() {
    Set<String> out = new java.util.TreeSet<>(defaults.attributes());
    byRequester.values().forEach(s -> out.addAll(s.attributes()));
    return out;
  }

  @Override
  public String describe() {
    return "Hasher (" + defaults.alg().pythonName() + ", " + defaults.attributes().size() + " attributes, "
        + byRequester.size() + " requester overrides)";
  }
}
