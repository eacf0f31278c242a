package eu.panosc.aai.attributes.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The internal attributes an upstream must release for a login to go on. {@link #missing} names those without
 * a value, so the caller can show a page that tells the person what their IdP did not release.
 */
public record RequiredAttributes(List<String> names) {
  public RequiredAttributes {
    names = List.copyOf(names);
  }

  /** The required attributes that have no value in {@code attributes}, in configured order; empty when none. */
  public List<String> missing(Map<String, List<String>> attributes) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      List<String> values = attributes.get(name);
      if (values == null || values.stream().allMatch(String::isBlank)) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }
}
