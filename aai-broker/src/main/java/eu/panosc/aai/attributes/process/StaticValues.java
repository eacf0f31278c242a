package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.yaml.YNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sets fixed values, replacing what the IdP sent for those attributes, as SATOSA's {@code AddStaticAttributes}
 * ({@code static_attributes: {name: value or [values]}}).
 */
public final class StaticValues implements AttributeProcessor {
  private final Map<String, List<String>> values;

  StaticValues(Map<String, List<String>> values) {
    this.values = Map.copyOf(values);
  }

  static StaticValues from(YNode config) {
    YNode.Mapping top = config.mapping("config");
    top.onlyKeys(Set.of("static_attributes"), "config");
    YNode.Mapping statics = top.required("static_attributes", "config").mapping("static_attributes");
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String name : statics.keys()) {
      List<String> v = statics.get(name).texts("static_attributes." + name);
      if (name.isBlank() || v.isEmpty()) {
        throw statics.get(name).error("static_attributes." + name + ": needs a name and at least one value");
      }
      values.put(name, v);
    }
    return new StaticValues(values);
  }

  @Override
  public void apply(ProcessingContext context, Map<String, List<String>> attributes) {
    attributes.putAll(values);
  }

  @Override
  public Set<String> addsAttributes() {
    return values.keySet();
  }

  @Override
  public String describe() {
    return "AddStaticAttributes " + new java.util.TreeSet<>(values.keySet());
  }
}
