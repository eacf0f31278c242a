package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Keeps only the attribute values that pass their filters, as SATOSA's {@code FilterAttributeValues} does with
 * {@code attribute_filters: {<IdP entity id or "">: {<requester or "">: {<attribute or "">: <filter>}}}}. A
 * filter is a regular expression (simple notation; kept when it is found anywhere in the value, like Python's
 * {@code re.search}) or a mapping of filter types: {@code regexp}, {@code shibmdscope_match_scope} (the part
 * after the single {@code @} must be one of the IdP's {@code shibmd:Scope}s) and {@code shibmdscope_match_value}
 * (the whole value must be one). Rules for {@code ""} apply to every IdP, requester or attribute; the default
 * rules apply first, then the specific ones. Attribute names are internal names, compared exactly.
 *
 * @see <a href="https://github.com/IdentityPython/SATOSA/blob/master/example/plugins/microservices/filter_attributes.yaml.example">SATOSA
 *     filter_attributes example</a>
 */
public final class ValueFilter implements AttributeProcessor {
  private static final Set<String> TYPES = Set.of("regexp", "shibmdscope_match_scope", "shibmdscope_match_value");

  /** One filter on one attribute ({@code ""}: every attribute). */
  record Rule(String attribute, String type, BiPredicate<String, List<IdpScope>> keep) {}

  /** IdP → requester → rules. */
  private final Map<String, Map<String, List<Rule>>> rules;

  ValueFilter(Map<String, Map<String, List<Rule>>> rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** Reads the {@code config} of a {@code FilterAttributeValues} micro-service file. */
  static ValueFilter from(YNode config) {
    YNode.Mapping top = config.mapping("config");
    top.onlyKeys(Set.of("attribute_filters"), "config");
    YNode.Mapping providers = top.required("attribute_filters", "config").mapping("attribute_filters");
    Map<String, Map<String, List<Rule>>> rules = new LinkedHashMap<>();
    for (String provider : providers.keys()) {
      YNode.Mapping requesters = providers.get(provider).mapping("attribute_filters." + label(provider));
      Map<String, List<Rule>> byRequester = new LinkedHashMap<>();
      for (String requester : requesters.keys()) {
        String where = "attribute_filters." + label(provider) + "." + label(requester);
        YNode.Mapping attributes = requesters.get(requester).mapping(where);
        List<Rule> list = new ArrayList<>();
        for (String attribute : attributes.keys()) {
          list.addAll(rules(where + "." + label(attribute), attribute, attributes.get(attribute)));
        }
        byRequester.put(requester, List.copyOf(list));
      }
      rules.put(provider, byRequester);
    }
    return new ValueFilter(rules);
  }

  private static String label(String key) {
    return key.isEmpty() ? "\"\"" : key;
  }

  private static List<Rule> rules(String where, String attribute, YNode filter) {
    if (filter instanceof YNode.Scalar s && !s.isNull()) {
      return List.of(regexp(where, attribute, s));
    }
    YNode.Mapping m = filter.mapping(where);
    m.onlyKeys(TYPES, where);
    List<Rule> out = new ArrayList<>();
    for (String type : m.keys()) {
      out.add(switch (type) {
        case "regexp" -> regexp(where + ".regexp", attribute, m.get(type));
        case "shibmdscope_match_scope" -> new Rule(attribute, type, IdpScope::scopeMatches);
        default -> new Rule(attribute, type, IdpScope::valueMatches);
      });
    }
    return out;
  }

  private static Rule regexp(String where, String attribute, YNode node) {
    String text = node.text(where);
    try {
      Pattern p = PythonRegex.compile(text);
      return new Rule(attribute, "regexp", (v, scopes) -> p.matcher(v).find());
    } catch (PatternSyntaxException e) {
      throw node.error(where + ": not a valid regular expression (" + e.getDescription() + ")");
    }
  }

  @Override
  public void apply(ProcessingContext context, Map<String, List<String>> attributes) {
    apply(rules.getOrDefault("", Map.of()), context, attributes);
    if (!context.idpEntityId().isEmpty()) {
      apply(rules.getOrDefault(context.idpEntityId(), Map.of()), context, attributes);
    }
  }

  private static void apply(Map<String, List<Rule>> byRequester, ProcessingContext context,
      Map<String, List<String>> attributes) {
    apply(byRequester.getOrDefault("", List.of()), context, attributes);
    if (context.requester() != null && !context.requester().isEmpty()) {
      apply(byRequester.getOrDefault(context.requester(), List.of()), context, attributes);
    }
  }

  private static void apply(List<Rule> rules, ProcessingContext context, Map<String, List<String>> attributes) {
    for (Rule rule : rules) {
      if (rule.attribute().isEmpty()) {
        for (var e : attributes.entrySet()) {
          e.setValue(keep(rule, context, e.getValue()));
        }
      } else if (attributes.containsKey(rule.attribute())) {
        attributes.put(rule.attribute(), keep(rule, context, attributes.get(rule.attribute())));
      }
    }
    Iterator<Map.Entry<String, List<String>>> it = attributes.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  private static List<String> keep(Rule rule, ProcessingContext context, List<String> values) {
    List<String> out = new ArrayList<>(values.size());
    for (String v : values) {
      if (rule.keep().test(v, context.scopes())) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Set<String> readsAttributes() {
    Set<String> out = new java.util.TreeSet<>();
    rules.values().forEach(m -> m.values().forEach(l -> l.forEach(r -> out.add(r.attribute()))));
    out.remove("");
    return out;
  }

  @Override
  public String describe() {
    int n = rules.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
    return "FilterAttributeValues (" + n + " filters)";
  }
}
