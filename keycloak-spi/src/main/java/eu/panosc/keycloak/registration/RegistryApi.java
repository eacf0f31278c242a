package eu.panosc.keycloak.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The federation-registry's admin API for OIDC clients ({@code /admin/v1/clients}). */
public interface RegistryApi {

  /** A stored member and its version (the ETag). */
  record Stored(ObjectNode member, long version) {}

  Optional<Stored> get(String clientId) throws RegistryException;

  void create(ObjectNode document) throws RegistryException;

  void replace(String clientId, ObjectNode document, long version) throws RegistryException;

  /**
   * The registry refused or could not be reached. {@link #wholeCall()} when no client can succeed (the registry
   * is unreachable or refuses this module's own credentials), as opposed to one client's document being refused.
   */
  final class RegistryException extends Exception {
    private final boolean wholeCall;

    public RegistryException(String message, boolean wholeCall) {
      super(message);
      this.wholeCall = wholeCall;
    }

    public boolean wholeCall() {
      return wholeCall;
    }
  }
}
