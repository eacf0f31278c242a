package eu.panosc.registry.oidfed;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Combines and applies {@code metadata_policy} claims. Both arguments and results are whole claims,
 * keyed by Entity Type Identifier: {@code {entityType: {parameter: {operator: value}}}} for policies and
 * {@code {entityType: {parameter: value}}} for metadata. Both methods throw a {@link RuntimeException}
 * (any subclass) when a policy is invalid, the policies conflict or the metadata violates them.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1">OpenID Federation 1.0, Metadata Policy</a>
 */
public interface MetadataPolicyEngine {
  /** Merges the policies of a Trust Chain, given from the trust anchor's statement down to the subject's superior. */
  JsonObject combineAll(List<JsonObject> policiesFromTrustAnchorDown);

  /** Applies a combined policy to the subject's metadata and returns the resolved metadata. */
  JsonObject apply(JsonObject policy, JsonObject metadata);
}
