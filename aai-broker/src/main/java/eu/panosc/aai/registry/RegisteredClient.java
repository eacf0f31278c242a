package eu.panosc.aai.registry;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An approved OAuth client as the registry publishes it ({@code GET /registry/v1/clients/{id}}), parsed once: what the
 * provider reads of it at the authorization, token, device, logout and userinfo endpoints.
 *
 * @param clientId the client id
 * @param type {@code public}, {@code confidential} or {@code service}
 * @param facility the facility that owns the client, or null for a federation-level client
 * @param grantTypes the OAuth grant types it may use
 * @param authMethod how it authenticates at the token endpoint ({@code none}, {@code client_secret_basic}, ...)
 * @param redirectUris its registered redirect URIs (RFC 6749 §3.1.2)
 * @param scopes the scopes it may ask for
 * @param postLogoutRedirectUris where RP-initiated logout may send the user back to
 * @param tokenSigningAlg the JWS algorithm of its tokens ({@code ES256} or {@code RS256})
 * @param backchannelLogoutUri where logout tokens are sent, or null
 * @param backchannelLogoutSessionRequired whether logout tokens must carry {@code sid}
 * @param audience the audience of its own resource server, or null
 * @param description a display text, or null
 * @param tokenExchangeAudiences the audiences it may exchange tokens for (RFC 8693)
 * @param allowedUpstreams the upstreams its users may sign in through ({@code allowedUpstreams}); empty: every one
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7591#section-2">RFC 7591 §2, Client Metadata</a>
 */
public record RegisteredClient(String clientId, String type, String facility, List<String> grantTypes,
    String authMethod, List<String> redirectUris, List<String> scopes, List<String> postLogoutRedirectUris,
    String tokenSigningAlg, String backchannelLogoutUri, boolean backchannelLogoutSessionRequired, String audience,
    String description, List<String> tokenExchangeAudiences, List<String> allowedUpstreams) {

  /** The client types the registry knows. */
  public static final Set<String> TYPES = Set.of("public", "confidential", "service");
  /** The token endpoint authentication methods the registry knows. */
  public static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post",
      "private_key_jwt");
  /** The token signing algorithms the registry knows. */
  public static final Set<String> SIGNING_ALGS = Set.of("ES256", "RS256");

  public RegisteredClient {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(authMethod, "authMethod");
    Objects.requireNonNull(tokenSigningAlg, "tokenSigningAlg");
    grantTypes = List.copyOf(grantTypes);
    redirectUris = List.copyOf(redirectUris);
    scopes = List.copyOf(scopes);
    postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    tokenExchangeAudiences = List.copyOf(tokenExchangeAudiences);
    allowedUpstreams = List.copyOf(allowedUpstreams);
  }

  /** A client whose users may sign in through every upstream. */
  public RegisteredClient(String clientId, String type, String facility, List<String> grantTypes,
      String authMethod, List<String> redirectUris, List<String> scopes, List<String> postLogoutRedirectUris,
      String tokenSigningAlg, String backchannelLogoutUri, boolean backchannelLogoutSessionRequired, String audience,
      String description, List<String> tokenExchangeAudiences) {
    this(clientId, type, facility, grantTypes, authMethod, redirectUris, scopes, postLogoutRedirectUris,
        tokenSigningAlg, backchannelLogoutUri, backchannelLogoutSessionRequired, audience, description,
        tokenExchangeAudiences, List.of());
  }

  /** Whether its users may sign in through the upstream {@code upstreamId} (no restriction registered: yes). */
  public boolean allowsUpstream(String upstreamId) {
    return allowedUpstreams.isEmpty() || allowedUpstreams.contains(upstreamId);
  }

  /** A public client (it cannot keep a secret; PKCE is required). */
  public boolean isPublic() {
    return "public".equals(type);
  }

  /** Whether it is registered for {@code grantType}. */
  public boolean allows(String grantType) {
    return grantTypes.contains(grantType);
  }
}
