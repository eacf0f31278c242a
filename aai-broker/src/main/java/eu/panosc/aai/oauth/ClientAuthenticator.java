package eu.panosc.aai.oauth;

import eu.panosc.aai.registry.ClientCredentials;
import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.platform.input.Input;
import eu.panosc.aai.registry.RegistryClient;
import eu.panosc.platform.auth.ClientSecrets;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3):
 * {@code client_secret_basic} or {@code client_secret_post}, exactly one, matching the method the
 * client registered. Clients come from the federation-registry (approved ones only); every failure is
 * {@code invalid_client} with the same description, so that it does not tell which part was wrong.
 */
public final class ClientAuthenticator {
  private static final String FAILED = "client authentication failed";
  /** Longer secrets (from the Basic header, which no form rule checks) are refused unread. */
  private static final int MAX_SECRET = 1024;

  private final RegistryClient registry;
  private final ClientAssertions assertions;

  public ClientAuthenticator(RegistryClient registry, ClientAssertions assertions) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.assertions = Objects.requireNonNull(assertions, "assertions");
  }

  /**
   * @param allowPublic whether a public client may identify itself with {@code client_id} alone (its
   *     grant then proves possession another way, e.g. PKCE)
   */
  public Future<AuthenticatedClient> authenticate(RoutingContext ctx, boolean allowPublic) {
    MultiMap form = Parameters.form(ctx);
    String header = ctx.request().getHeader("Authorization");
    boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
    boolean post = form.contains("client_secret");
    String clientId;
    String secret;
    boolean jwt = form.contains("client_assertion") || form.contains("client_assertion_type");
    if ((basic ? 1 : 0) + (post ? 1 : 0) + (jwt ? 1 : 0) > 1) {
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request
      return Future.failedFuture(OAuthError.invalidRequest("use one client authentication method, not two"));
    }
    if (jwt) {
      return assertion(form);
    }
    if (basic) {
      String[] pair = decodeBasic(header.substring(6).trim());
      if (pair == null) {
        return Future.failedFuture(OAuthError.invalidClient(FAILED, true));
      }
      clientId = pair[0];
      secret = pair[1];
      String formId = form.get("client_id");
      if (formId != null && !formId.equals(clientId)) {
        return Future.failedFuture(OAuthError.invalidRequest("client_id does not match the authenticated client"));
      }
    } else if (post) {
      clientId = form.get("client_id");
      secret = form.get("client_secret");
      if (clientId == null) {
        return Future.failedFuture(OAuthError.invalidRequest("client_id is required with client_secret"));
      }
    } else if (allowPublic && form.get("client_id") != null) {
      clientId = form.get("client_id");
      secret = null;
    } else {
      return Future.failedFuture(OAuthError.invalidClient("client authentication is required", false));
    }
    String method = basic ? "client_secret_basic" : post ? "client_secret_post" : "none";
    if (!Parameters.plausibleClientId(clientId) || secret != null && !Input.isClean(secret, MAX_SECRET)) {
      // no registered client has such an id (or secret): never sent to the registry
      return Future.failedFuture(OAuthError.invalidClient(FAILED, basic));
    }
    return registry.credentials(clientId)
        .recover(e -> Future.failedFuture(OAuthError.serverError("the client registry is unavailable")))
        .compose(credentials -> check(clientId, secret, method, basic, credentials))
        .compose(v -> registered(clientId))
        .map(doc -> new AuthenticatedClient(clientId, doc.orElseThrow(() -> OAuthError.invalidClient(FAILED, basic))));
  }

  private Future<AuthenticatedClient> assertion(MultiMap form) {
    String assertion = form.get("client_assertion");
    if (!ClientAssertions.JWT_BEARER.equals(form.get("client_assertion_type")) || assertion == null) {
      return Future.failedFuture(OAuthError.invalidClient("client_assertion_type must be " + ClientAssertions.JWT_BEARER
          + " with a client_assertion", false));
    }
    String clientId = ClientAssertions.claimedClient(assertion);
    String formId = form.get("client_id");
    if (!Parameters.plausibleClientId(clientId) || (formId != null && !formId.equals(clientId))) {
      return Future.failedFuture(OAuthError.invalidClient(FAILED, false));
    }
    return registry.credentials(clientId)
        .recover(e -> Future.failedFuture(OAuthError.serverError("the client registry is unavailable")))
        .compose(credentials -> credentials.isEmpty()
            ? Future.failedFuture(OAuthError.invalidClient(FAILED, false))
            : assertions.verify(assertion, clientId, credentials.get()))
        .compose(v -> registered(clientId))
        .map(doc -> new AuthenticatedClient(clientId, doc.orElseThrow(() -> OAuthError.invalidClient(FAILED, false))));
  }

  /** The registered client, or server_error when the registry cannot be read or answers malformed (deny). */
  private Future<Optional<RegisteredClient>> registered(String clientId) {
    return registry.client(clientId)
        .recover(e -> Future.failedFuture(OAuthError.serverError("the client registry is unavailable")));
  }

  private static Future<Void> check(String clientId, String secret, String method, boolean basic,
      Optional<ClientCredentials> credentials) {
    if (credentials.isEmpty()) {
      // compare anyway, so unknown and known clients take the same time
      ClientSecrets.matches(secret, "sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      return Future.failedFuture(OAuthError.invalidClient(FAILED, basic));
    }
    ClientCredentials c = credentials.get();
    boolean ok = "none".equals(method) ? "public".equals(c.type()) : ClientSecrets.matches(secret, c.secretHash());
    if (!ok || !method.equals(c.authMethod())) {
      return Future.failedFuture(OAuthError.invalidClient(FAILED, basic));
    }
    return Future.succeededFuture();
  }

  /** RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64. */
  private static String[] decodeBasic(String value) {
    try {
      String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
