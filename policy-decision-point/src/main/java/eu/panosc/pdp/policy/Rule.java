package eu.panosc.pdp.policy;

import dev.cel.runtime.CelRuntime;
import java.util.Objects;
import java.util.Set;

/**
 * One compiled rule: when its CEL condition is true for one of its actions, it decides ({@code permit}
 * or not) and names the relation that made it apply. {@code resourceReads} names the fields of
 * {@code resource} the condition reads ({@link ResourceReads#ANY} when it uses {@code resource} in a way
 * that cannot be listed), which tells whether the policy can be turned into a dataset filter.
 */
public record Rule(String id, Set<String> actions, boolean permit, String relation, String reason, String condition,
    int line, CelRuntime.Program program, Set<String> resourceReads) {
  public Rule {
    Objects.requireNonNull(id, "id");
    actions = Set.copyOf(actions);
    Objects.requireNonNull(program, "program");
    resourceReads = Set.copyOf(resourceReads);
  }

  /** True when the rule is about {@code action} (a rule without actions is about every action). */
  public boolean covers(String action) {
    return actions.isEmpty() || actions.contains(action);
  }
}
