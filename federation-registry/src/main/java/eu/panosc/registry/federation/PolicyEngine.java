package eu.panosc.registry.federation;

import eu.panosc.registry.oidfed.MetadataPolicyEngine;
import eu.panosc.registry.oidfed.policy.MetadataPolicies;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The OpenID Federation metadata policy operators ({@link MetadataPolicies}) behind the resolver's
 * interface. Unknown operators are checked per statement before combining (no {@code metadata_policy_crit}
 * is honoured yet, so unknown operators are ignored as the specification requires).
 */
public final class PolicyEngine implements MetadataPolicyEngine {
  @Override
  public JsonObject combineAll(List<JsonObject> policiesFromTrustAnchorDown) {
    for (JsonObject p : policiesFromTrustAnchorDown) {
      if (p != null) {
        MetadataPolicies.checkOperators(p, Set.of());
      }
    }
    return MetadataPolicies.combineAll(policiesFromTrustAnchorDown);
  }

  @Override
  public JsonObject apply(JsonObject policy, JsonObject metadata) {
    return MetadataPolicies.apply(policy, metadata);
  }
}
