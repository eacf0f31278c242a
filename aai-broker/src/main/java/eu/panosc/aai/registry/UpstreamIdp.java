package eu.panosc.aai.registry;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An upstream identity provider as the registry publishes it ({@code GET /registry/v1/upstream-idps/{id}}): what the
 * provider reads of it.
 *
 * @param id the upstream's id (a slug such as {@code umbrellaid}); a configured upstream of the same id is this one
 * @param protocol {@code saml} or {@code oidc}
 * @param trustedEntitlementAuthorities the entitlement authorities (AARC-G069 {@code #authority}, or the AARC-G002
 *     namespace owner) accepted from this upstream, lower case
 * @param displayName what the registry calls it, if anything
 * @param relyingParty for an OpenID provider registered with the broker's client id: how the broker signs in there
 */
public record UpstreamIdp(String id, String protocol, Set<String> trustedEntitlementAuthorities,
    Optional<String> displayName, Optional<RelyingParty> relyingParty) {
  /** The protocols the registry knows. */
  public static final Set<String> PROTOCOLS = Set.of("saml", "oidc");
  /** How the broker may authenticate at an OP's token endpoint. */
  public static final Set<String> CLIENT_AUTH = Set.of("client_secret_basic", "client_secret_post", "private_key_jwt");

  /**
   * The broker as relying party of an OpenID provider of the registry.
   *
   * @param issuer the OP's issuer (with {@code trustAnchor}: its OpenID Federation Entity Identifier)
   * @param clientId the broker's client id at the OP
   * @param clientAuth one of {@link #CLIENT_AUTH}
   * @param credentialsRef where the broker finds the client secret ({@code secret/<name>}); for the secret methods
   * @param scopes the scopes to ask for (empty: the default ones)
   * @param trustAnchor the OpenID Federation trust anchor the OP is trusted through, if any
   */
  public record RelyingParty(URI issuer, String clientId, String clientAuth, Optional<String> credentialsRef,
      List<String> scopes, Optional<URI> trustAnchor) {
    public RelyingParty {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientAuth, "clientAuth");
      Objects.requireNonNull(credentialsRef, "credentialsRef");
      scopes = List.copyOf(scopes);
      Objects.requireNonNull(trustAnchor, "trustAnchor");
    }
  }

  public UpstreamIdp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(protocol, "protocol");
    trustedEntitlementAuthorities = Set.copyOf(trustedEntitlementAuthorities);
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(relyingParty, "relyingParty");
  }

  /** A member without display name or relying-party fields (a SAML IdP, or an OP the broker has no client at). */
  public UpstreamIdp(String id, String protocol, Set<String> trustedEntitlementAuthorities) {
    this(id, protocol, trustedEntitlementAuthorities, Optional.empty(), Optional.empty());
  }
}
