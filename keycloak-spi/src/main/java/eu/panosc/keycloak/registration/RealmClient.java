package eu.panosc.keycloak.registration;

import java.util.List;

/** What the registration needs to know about one of the realm's clients (plain values, no Keycloak types). */
public record RealmClient(String clientId, String name, String protocol, boolean enabled, boolean publicClient,
    boolean bearerOnly, boolean standardFlow, boolean serviceAccounts, boolean deviceGrant, String authenticator,
    String rootUrl, List<String> redirectUris, List<String> clientScopes) {

  public RealmClient {
    redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    clientScopes = clientScopes == null ? List.of() : List.copyOf(clientScopes);
  }
}
