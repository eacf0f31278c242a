package eu.panosc.aai.oauth;

import eu.panosc.aai.registry.RegisteredClient;
import java.util.List;
import java.util.Objects;

/** A client that proved who it is at the token endpoint, as the registry has it. */
public record AuthenticatedClient(String clientId, RegisteredClient registered) {
  public AuthenticatedClient {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(registered, "registered");
  }

  public List<String> grantTypes() {
    return registered.grantTypes();
  }

  public List<String> scopes() {
    return registered.scopes();
  }
}
