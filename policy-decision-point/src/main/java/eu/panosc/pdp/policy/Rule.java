package eu.panosc.pdp.policy;

import dev.cel.runtime.CelRuntime;
import java.util.Objects;
import java.util.Set;

/**
 * One compiled rule: when its CEL condition is true for one of its actions, it decides ({@code permit}
 * or not) and names the relation that made it apply.
 */
public record Rule(String id, Set<String> actions, boolean permit, String relation, String reason, String condition,
    int line, CelRuntime.Program program) {
  public Rule {
    Objects.requireNonNull(id, "id");
    actions = Set.copyOf(actions);
    Objects.requireNonNull(program, "program");
  }

  /** True when the rule is about {@code action} (a rule without actions is about every action). */
  public boolean covers(String action) {
    return actions.isEmpty() || actions.contains(action);
  }
}
