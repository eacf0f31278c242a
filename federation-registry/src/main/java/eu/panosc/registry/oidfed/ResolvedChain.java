package eu.panosc.registry.oidfed;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated Trust Chain to this trust anchor and the subject's Resolved Metadata.
 *
 * @param subject the subject's Entity Identifier
 * @param trustChain the statements, subject first and the trust anchor's entity configuration last
 * @param metadata the Resolved Metadata (policies applied, constraints honoured)
 * @param expiresAt the chain's expiry: the minimum {@code exp} of its statements
 * @param entityIds every entity whose statement is in the chain (for invalidation)
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-4">OpenID Federation 1.0 §4, Trust Chain</a>
 */
public record ResolvedChain(String subject, List<String> trustChain, JsonObject metadata, Instant expiresAt,
    Set<String> entityIds) {
  public ResolvedChain {
    Objects.requireNonNull(subject, "subject");
    trustChain = List.copyOf(trustChain);
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(expiresAt, "expiresAt");
    entityIds = Set.copyOf(entityIds);
  }
}
