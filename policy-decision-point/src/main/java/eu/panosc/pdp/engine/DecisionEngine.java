package eu.panosc.pdp.engine;

import dev.cel.runtime.CelEvaluationException;
import eu.panosc.pdp.policy.Policy;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.policy.Rule;
import eu.panosc.pdp.store.Relations;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides in process, without I/O: looks the dataset up in the relation cache, builds the CEL
 * activation ({@code subject}, {@code resource} with the PDP's facts, {@code action}, {@code context}
 * with {@code time}), and runs the rules of the dataset's facility policy for the action in order. The
 * first rule that holds decides; none → deny; an evaluation error → deny.
 */
public final class DecisionEngine {
  /** The resource type this PDP decides about. */
  public static final String DATASET = "dataset";

  private final Relations relations;
  private final PolicyRegistry policies;
  private final Clock clock;

  public DecisionEngine(Relations relations, PolicyRegistry policies, Clock clock) {
    this.relations = Objects.requireNonNull(relations, "relations");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Decision decide(AccessRequest request) {
    if (!DATASET.equals(request.resource().type())) {
      return Decision.error(null, null, 400, "Unsupported resource type '" + request.resource().type()
          + "'; this PDP decides about resources of type dataset.", "This kind of resource is not known here.");
    }
    if (relations.suspended() != null) {
      // fail closed, and say why: the replica's view stopped following the writes and is being reloaded
      return Decision.error(null, null, 503, "Decisions are suspended",
          "Access cannot be decided right now; the PDP is reloading its data.");
    }
    Optional<Relations.DatasetFacts> found = relations.dataset(request.resource().id());
    if (found.isEmpty()) {
      return Decision.error(null, null, 404, "Resource not found",
          "The dataset " + request.resource().id() + " is not known.");
    }
    return decide(request, found.get());
  }

  /**
   * Decides about the dataset described by {@code facts} (which need not be stored): what the filter
   * compiler uses to probe a policy with representative datasets.
   */
  public Decision decide(AccessRequest request, Relations.DatasetFacts facts) {
    Policy policy = policies.forFacility(facts.dataset().facility());
    if (policy == null) {
      return Decision.error(null, null, 500, "No policy is active", "Access cannot be decided right now.");
    }
    Map<String, Object> activation = activation(request, facts);
    for (Rule rule : policy.rulesFor(request.action())) {
      Object result;
      try {
        result = rule.program().eval(activation);
      } catch (CelEvaluationException | RuntimeException e) {
        return Decision.error(policy.label(), rule.id(), 500, "Rule " + rule.id() + " failed: " + e.getMessage(),
            "Access cannot be decided right now, so it is denied.");
      }
      if (Boolean.TRUE.equals(result)) {
        return new Decision(rule.permit(), policy.label(), rule.id(), rule.relation(),
            rule.reason() == null ? (rule.permit() ? "Permitted." : "Denied.") : rule.reason(), 0, null);
      }
      if (!(result instanceof Boolean)) {
        return Decision.error(policy.label(), rule.id(), 500, "Rule " + rule.id() + " did not yield a bool",
            "Access cannot be decided right now, so it is denied.");
      }
    }
    String reason = policy.denyReason().replace("{action}", request.action())
        .replace("{releaseDate}", facts.releaseDate() == null ? "an unknown date"
            : DateTimeFormatter.ISO_INSTANT.format(facts.releaseDate()));
    return new Decision(false, policy.label(), null, "none", reason, 0, null);
  }

  private Map<String, Object> activation(AccessRequest request, Relations.DatasetFacts facts) {
    Map<String, Object> subject = new HashMap<>(4);
    subject.put("type", request.subject().type());
    if (request.subject().id() != null) {
      subject.put("id", request.subject().id());
    }
    subject.put("properties", request.subject().properties());

    Map<String, Object> resource = new HashMap<>(16);
    resource.put("type", DATASET);
    resource.put("id", facts.dataset().pid());
    resource.put("properties", request.resource().properties());
    resource.put("facility", facts.dataset().facility());
    resource.put("proposal", facts.dataset().proposal());
    if (facts.dataset().instrument() != null) {
      resource.put("instrument", facts.dataset().instrument());
    }
    resource.put("public", facts.dataset().isPublic());
    resource.put("created", facts.dataset().created());
    if (facts.releaseDate() != null) {
      resource.put("releaseDate", facts.releaseDate());
    }

    Map<String, Object> action = Map.of("name", request.action(), "properties", request.actionProperties());

    Map<String, Object> context = new HashMap<>(request.context());
    if (!(context.get("time") instanceof Instant)) {
      context.put("time", clock.instant());
    }
    return Map.of("subject", subject, "resource", resource, "action", action, "context", context);
  }
}
