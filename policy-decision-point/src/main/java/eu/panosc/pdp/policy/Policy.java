package eu.panosc.pdp.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A compiled, versioned policy of one facility ({@code "*"} for the default): rules tried in file
 * order, the first whose condition holds decides; no rule → deny.
 */
public final class Policy {
  private final String name;
  private final String facility;
  private final int version;
  private final String file;
  private final String source;
  private final List<Rule> rules;
  private final Set<String> actions;
  private final String denyReason;
  private final Map<String, List<Rule>> byAction = new HashMap<>();

  Policy(String name, String facility, int version, String file, String source, List<Rule> rules, Set<String> actions,
      String denyReason) {
    this.name = Objects.requireNonNull(name, "name");
    this.facility = Objects.requireNonNull(facility, "facility");
    this.version = version;
    this.file = file;
    this.source = source;
    this.rules = List.copyOf(rules);
    Set<String> all = new LinkedHashSet<>(actions);
    rules.forEach(r -> all.addAll(r.actions()));
    this.actions = java.util.Collections.unmodifiableSet(all);
    this.denyReason = denyReason;
    for (String a : this.actions) {
      List<Rule> list = new ArrayList<>();
      for (Rule r : this.rules) {
        if (r.covers(a)) {
          list.add(r);
        }
      }
      byAction.put(a, List.copyOf(list));
    }
  }

  /** The same policy under another version number. */
  public Policy withVersion(int newVersion) {
    return new Policy(name, facility, newVersion, file, source, rules, actions, denyReason);
  }

  /** The rules about {@code action}, in order. */
  public List<Rule> rulesFor(String action) {
    List<Rule> list = byAction.get(action);
    if (list != null) {
      return list;
    }
    return rules.stream().filter(r -> r.actions().isEmpty()).toList();
  }

  public String name() {
    return name;
  }

  public String facility() {
    return facility;
  }

  public int version() {
    return version;
  }

  public String file() {
    return file;
  }

  public String source() {
    return source;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Every action the policy names, in declaration order: what an action search tries. */
  public Set<String> actions() {
    return actions;
  }

  public String denyReason() {
    return denyReason;
  }

  /** {@code name@vN}, e.g. {@code panosc-data@v2}. */
  public String label() {
    return name + "@v" + version;
  }
}
