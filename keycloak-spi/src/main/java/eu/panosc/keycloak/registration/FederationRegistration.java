package eu.panosc.keycloak.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Registers a realm's OIDC clients in the federation-registry, idempotently: a client not there is registered
 * (pending, for the registry's administrator to approve), one that differs in what this module owns is updated
 * (If-Match on its version; what an administrator added in the registry is kept), an equal one is left alone.
 * No HTTP types: the resource parses and writes.
 */
public final class FederationRegistration {
  private final RegistryApi registry;
  private final String facility;

  public FederationRegistration(RegistryApi registry, String facility) {
    this.registry = Objects.requireNonNull(registry);
    this.facility = Objects.requireNonNull(facility);
  }

  /**
   * One outcome per client, in the given order. Throws when the registry cannot be used at all (unreachable, or
   * it refuses this module's credentials): then nothing was changed by this call after that point.
   */
  public List<ClientOutcome> register(String realm, List<RealmClient> clients) throws RegistryApi.RegistryException {
    List<ClientOutcome> out = new ArrayList<>();
    for (RealmClient c : clients) {
      RegistryDocuments.Mapped m = RegistryDocuments.map(realm, facility, c);
      if (m.document() == null) {
        out.add(new ClientOutcome(c.clientId(), ClientOutcome.SKIPPED, m.skipReason()));
        continue;
      }
      try {
        out.add(one(c.clientId(), m.document()));
      } catch (RegistryApi.RegistryException e) {
        if (e.wholeCall()) {
          throw e;
        }
        out.add(new ClientOutcome(c.clientId(), ClientOutcome.FAILED, e.getMessage()));
      }
    }
    return out;
  }

  private ClientOutcome one(String clientId, ObjectNode wanted) throws RegistryApi.RegistryException {
    Optional<RegistryApi.Stored> stored = registry.get(clientId);
    if (stored.isEmpty()) {
      registry.create(wanted);
      return new ClientOutcome(clientId, ClientOutcome.REGISTERED, null);
    }
    ObjectNode member = stored.get().member();
    String owner = member.path("facility").asText("");
    if (!owner.equals(facility)) {
      return new ClientOutcome(clientId, ClientOutcome.FAILED, "the registry already has client " + clientId
          + (owner.isEmpty() ? " without a facility" : " for facility " + owner) + "; rename the client or ask the "
          + "registry's administrator");
    }
    if (RegistryDocuments.same(member, wanted)) {
      return new ClientOutcome(clientId, ClientOutcome.UNCHANGED, null);
    }
    registry.replace(clientId, RegistryDocuments.merged(member, wanted), stored.get().version());
    return new ClientOutcome(clientId, ClientOutcome.UPDATED, null);
  }
}
