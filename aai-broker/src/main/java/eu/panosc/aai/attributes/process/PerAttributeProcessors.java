package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * SATOSA's {@code AttributeProcessor} micro-service: {@code process: [{attribute, processors: [{name, module,
 * ...}]}]}, each processor changing the values of one attribute, in order. Known processors (by {@code name}):
 * {@code HashProcessor} ({@code salt}, {@code hash_alg} or {@code hash_algo}, default sha256; every value is
 * hashed with the configured salt, where SATOSA's own processor hashes only the first value and reads the salt
 * from the wrong key), {@code ScopeProcessor} ({@code scope}: appends {@code @scope}), {@code
 * ScopeRemoverProcessor} (drops {@code @scope}), {@code RegexSubProcessor} ({@code regex_sub_match_pattern},
 * {@code regex_sub_replace_pattern}, Python syntax) and {@code GenderToSchacProcessor} (ISO 5218 codes). An
 * unknown processor is refused at start.
 */
public final class PerAttributeProcessors implements AttributeProcessor {
  private static final List<String> KNOWN = List.of("HashProcessor", "ScopeProcessor", "ScopeRemoverProcessor",
      "RegexSubProcessor", "GenderToSchacProcessor");

  /** One value transformation of one attribute. */
  record Step(String attribute, String name, UnaryOperator<List<String>> change) {}

  private final List<Step> steps;

  PerAttributeProcessors(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  static PerAttributeProcessors from(YNode config, List<String> warnings) {
    YNode.Mapping top = config.mapping("config");
    top.onlyKeys(Set.of("process"), "config");
    YNode process = top.required("process", "config");
    if (!(process instanceof YNode.Sequence seq)) {
      throw process.error("process: expected a list of {attribute, processors}");
    }
    List<Step> steps = new ArrayList<>();
    for (YNode item : seq.items()) {
      YNode.Mapping m = item.mapping("process item");
      m.onlyKeys(Set.of("attribute", "processors"), "process item");
      String attribute = m.required("attribute", "process item").text("attribute");
      YNode processors = m.required("processors", "process item " + attribute);
      if (!(processors instanceof YNode.Sequence list)) {
        throw processors.error("processors of " + attribute + ": expected a list");
      }
      for (YNode p : list.items()) {
        steps.add(step(attribute, p.mapping("processor of " + attribute), warnings));
      }
    }
    return new PerAttributeProcessors(steps);
  }

  private static Step step(String attribute, YNode.Mapping p, List<String> warnings) {
    String name = p.required("name", "processor of " + attribute).text("name");
    String where = "processor " + name + " of " + attribute;
    return switch (name) {
      case "HashProcessor" -> {
        p.onlyKeys(Set.of("name", "module", "salt", "hash_alg", "hash_algo"), where);
        YNode saltNode = p.required("salt", where);
        String saltText = saltNode.text(where + ".salt");
        if (saltText.isEmpty()) {
          throw saltNode.error(where + ".salt: must not be empty");
        }
        Salt salt = new Salt(saltText);
        YNode algNode = p.get("hash_alg") != null ? p.get("hash_alg") : p.get("hash_algo");
        HashAlgorithm alg = algNode == null ? HashAlgorithm.SHA256 : Hasher.algorithm(algNode, where, warnings);
        yield new Step(attribute, name, values -> values.stream().map(v -> alg.hash(v, salt)).toList());
      }
      case "ScopeProcessor" -> {
        p.onlyKeys(Set.of("name", "module", "scope"), where);
        String scope = p.required("scope", where).text(where + ".scope");
        yield new Step(attribute, name, values -> values.stream().map(v -> v + "@" + scope).toList());
      }
      case "ScopeRemoverProcessor" -> {
        p.onlyKeys(Set.of("name", "module"), where);
        yield new Step(attribute, name, values -> values.stream()
            .map(v -> v.contains("@") ? v.substring(0, v.indexOf('@')) : v).filter(v -> !v.isEmpty()).toList());
      }
      case "RegexSubProcessor" -> {
        p.onlyKeys(Set.of("name", "module", "regex_sub_match_pattern", "regex_sub_replace_pattern"), where);
        YNode matchNode = p.required("regex_sub_match_pattern", where);
        String replace = PythonRegex.replacement(p.required("regex_sub_replace_pattern", where)
            .text(where + ".regex_sub_replace_pattern"));
        Pattern match;
        try {
          match = PythonRegex.compile(matchNode.text(where + ".regex_sub_match_pattern"));
        } catch (PatternSyntaxException e) {
          throw matchNode.error(where + ".regex_sub_match_pattern: not a valid regular expression ("
              + e.getDescription() + ")");
        }
        yield new Step(attribute, name, values -> values.stream()
            .map(v -> match.matcher(v).replaceAll(replace)).toList());
      }
      case "GenderToSchacProcessor" -> {
        p.onlyKeys(Set.of("name", "module"), where);
        yield new Step(attribute, name, PerAttributeProcessors::gender);
      }
      default -> throw p.error("unknown attribute processor '" + name + "' for " + attribute + "; known are " + KNOWN);
    };
  }

  /** ISO 5218 as SATOSA maps it: male 1, female 2, another text 0 (not known), no value 9 (not specified). */
  private static List<String> gender(List<String> values) {
    if (values.isEmpty()) {
      return List.of("9");
    }
    String v = values.getFirst().toUpperCase(Locale.ROOT).replace(' ', '_');
    String code = switch (v) {
      case "MALE" -> "1";
      case "FEMALE" -> "2";
      case "NOT_SPECIFIED" -> "9";
      case "" -> "9";
      default -> "0";
    };
    List<String> out = new ArrayList<>(values);
    out.set(0, code);
    return List.copyOf(out);
  }

  @Override
  public void apply(ProcessingContext context, Map<String, List<String>> attributes) {
    for (Step step : steps) {
      List<String> values = attributes.get(step.attribute());
      if (values == null) {
        continue;
      }
      List<String> changed = step.change().apply(values);
      if (changed.isEmpty()) {
        attributes.remove(step.attribute());
      } else {
        attributes.put(step.attribute(), changed);
      }
    }
  }

  @Override
  public Set<String> readsAttributes() {
    Set<String> out = new java.util.TreeSet<>();
    steps.forEach(s -> out.add(s.attribute()));
    return out;
  }

  @Override
  public String describe() {
    return "AttributeProcessor " + steps.stream().map(s -> s.attribute() + ":" + s.name()).toList();
  }
}
