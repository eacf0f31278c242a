package eu.panosc.aai.authorize;

import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an authorization request. Until the client and its redirect URI are known to match a
 * registration exactly, every problem is an {@link ErrorPage} for the person; after that, errors go back to
 * the client as redirects (RFC 6749 §4.1.2.1), carrying {@code state}. A {@code request_uri} from the pushed
 * authorization request endpoint (RFC 9126) stands for the parameters pushed: those, and only those, are checked
 * again here. At the push itself ({@link #parsePushed}) every problem is an RFC 6749 §5.2 error for the client.
 */
public final class AuthorizationRequestParser {
  static final Set<String> SINGLE = Set.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
      "code_challenge", "code_challenge_method", "prompt", "max_age", "acr_values", "response_mode", "claims");
  static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  /**
   * The registered client, the validated request, and the identity provider the client suggests ({@code idp_hint}, also
   * from a pushed request; null when absent or repeated), which the discovery page checks.
   */
  public record Parsed(RegisteredClient client, AuthorizationRequest request, String idpHint) {
    public Parsed(RegisteredClient client, AuthorizationRequest request) {
      this(client, request, null);
    }
  }

  private final RegistryClient registry;
  private final ServiceAudiences audiences;
  private final String issuer;
  private final PushedRequests pushed;

  public AuthorizationRequestParser(RegistryClient registry, ServiceAudiences audiences, String issuer,
      PushedRequests pushed) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.pushed = Objects.requireNonNull(pushed, "pushed");
    this.audiences = Objects.requireNonNull(audiences, "audiences");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
  }

  public Future<Parsed> parse(MultiMap query) {
    String clientId = query.get("client_id");
    if (clientId == null || clientId.isBlank() || query.getAll("client_id").size() > 1) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in request not understood",
          "The application that sent you here did not say which application it is. Go back to it and try again."));
    }
    if (query.contains("request_uri")) {
      // RFC 9126 §4: the pushed parameters, for the client that pushed them, once
      if (query.getAll("request_uri").size() > 1) {
        return Future.failedFuture(new ErrorPage(400, "Sign-in request not understood",
            "The sign-in request repeats the parameter request_uri. Go back to the application and try again."));
      }
      return pushed.consume(query.get("request_uri"), clientId).compose(params -> {
        if (params.isEmpty()) {
          return Future.failedFuture(new ErrorPage(400, "This sign-in request has expired",
              "The sign-in request is no longer valid (it expired after a minute, was already used, or belongs to "
                  + "another application). Go back to the application and start again."));
        }
        if (!clientId.equals(params.get().get("client_id"))) {
          params.get().set("client_id", clientId);
        }
        return parseParams(params.get());
      });
    }
    return parseParams(query);
  }

  /**
   * Validates a pushed authorization request (RFC 9126 §2.1) of the authenticated {@code client}: the same checks
   * as at {@code /authorize}, but every problem is an {@link OAuthError} for the client (JSON, RFC 6749 §5.2).
   */
  public Parsed parsePushed(MultiMap form, RegisteredClient client) {
    String clientId = client.clientId();
    if (form.getAll("client_id").size() > 1 || form.get("client_id") != null && !clientId.equals(form.get("client_id"))) {
      throw OAuthError.invalidRequest("client_id differs from the authenticated client");
    }
    if (form.contains("request_uri")) {
      // RFC 9126 §2.1: request_uri is not allowed in a pushed request
      throw OAuthError.invalidRequest("request_uri must not be pushed");
    }
    if (!client.allows("authorization_code")) {
      throw OAuthError.unauthorizedClient("this client is not registered for the authorization code flow");
    }
    String redirectUri = form.get("redirect_uri");
    List<String> registered = client.redirectUris();
    if (redirectUri == null || form.getAll("redirect_uri").size() > 1 || !RedirectUris.registered(registered, redirectUri)) {
      throw OAuthError.invalidRequest("redirect_uri is missing or not registered for this client");
    }
    String state = form.getAll("state").size() == 1 ? form.get("state") : null;
    return new Parsed(client, validate(form, client, redirectUri, state));
  }

  private Future<Parsed> parseParams(MultiMap query) {
    String clientId = query.get("client_id");
    Future<java.util.Optional<RegisteredClient>> found = Parameters.plausibleClientId(clientId)
        ? registry.client(clientId) : Future.succeededFuture(java.util.Optional.empty());
    return found
        .recover(e -> Future.failedFuture(new ErrorPage(503, "Sign-in temporarily unavailable",
            "The list of registered applications cannot be read right now. Please try again in a minute.")))
        .map(doc -> {
          RegisteredClient client = doc.orElseThrow(() -> new ErrorPage(400, "Unknown application",
              "The application that sent you here is not registered with this federation (or is suspended), so you "
                  + "cannot sign in to it from here. Tell its operators."));
          String redirectUri = query.get("redirect_uri");
          List<String> registered = client.redirectUris();
          // RFC 6749 §3.1.2.3, RFC 9700 §2.1: exact string match (any port for a native app's loopback URI, RFC 8252
          // §7.3); never redirect to an unvalidated URI
          if (redirectUri == null || query.getAll("redirect_uri").size() > 1 || !RedirectUris.registered(registered, redirectUri)) {
            throw new ErrorPage(400, "Sign-in request not accepted",
                "The application \"" + clientId + "\" asked to send you back to an address that is not registered for "
                    + "it. To protect you, you are not sent there. Tell the application's operators.");
          }
          String state = query.getAll("state").size() == 1 ? query.get("state") : null;
          try {
            return new Parsed(client, validate(query, client, redirectUri, state),
                query.getAll("idp_hint").size() == 1 ? query.get("idp_hint") : null);
          } catch (OAuthError e) {
            throw e.toRedirect(redirectUri, state, issuer);
          }
        });
  }

  private AuthorizationRequest validate(MultiMap q, RegisteredClient client, String redirectUri, String state) {
    for (String name : SINGLE) {
      if (q.getAll(name).size() > 1) {
        // RFC 6749 §3.1
        throw OAuthError.invalidRequest("parameter " + name + " is repeated");
      }
    }
    if (q.contains("request") || q.contains("request_uri")) {
      throw OAuthError.requestNotSupported("request objects are not supported; send plain parameters");
    }
    String responseType = q.get("response_type");
    if (responseType == null) {
      throw OAuthError.invalidRequest("response_type is required");
    }
    if (!"code".equals(responseType)) {
      // RFC 6749 §4.1.2.1
      throw OAuthError.unsupportedResponseType("only response_type=code is supported");
    }
    String mode = q.get("response_mode");
    if (mode != null && !"query".equals(mode)) {
      throw OAuthError.invalidRequest("only response_mode=query is supported");
    }
    if (!client.allows("authorization_code")) {
      throw OAuthError.unauthorizedClient("this client is not registered for the authorization code flow");
    }
    String scope = q.get("scope");
    if (scope == null || scope.isBlank()) {
      throw OAuthError.invalidRequest("scope is required (e.g. openid profile)");
    }
    Set<String> scopes = new LinkedHashSet<>(List.of(scope.trim().split(" +")));
    for (String s : scopes) {
      if (!client.scopes().contains(s)) {
        // RFC 6749 §4.1.2.1 invalid_scope
        throw OAuthError.invalidScope("scope " + s + " is not registered for this client");
      }
    }
    String challenge = q.get("code_challenge");
    String method = q.get("code_challenge_method");
    if (challenge == null) {
      if (method != null) {
        throw OAuthError.invalidRequest("code_challenge_method without code_challenge");
      }
      if (client.isPublic()) {
        // RFC 9700 §2.1.1: PKCE is required for public clients
        throw OAuthError.invalidRequest("code_challenge (PKCE, S256) is required for this client");
      }
    } else {
      if (!"S256".equals(method)) {
        // RFC 7636 §4.3 (absent means plain); plain is refused (RFC 9700 §2.1.1)
        throw OAuthError.invalidRequest("code_challenge_method must be S256; plain is not accepted");
      }
      if (!S256_CHALLENGE.matcher(challenge).matches()) {
        throw OAuthError.invalidRequest("code_challenge must be a base64url SHA-256 (43 characters)");
      }
    }
    Set<String> prompt = new LinkedHashSet<>();
    if (q.get("prompt") != null) {
      for (String p : q.get("prompt").trim().split(" +")) {
        if (!PROMPTS.contains(p)) {
          throw OAuthError.invalidRequest("prompt " + p + " is not supported; use none, login or consent");
        }
        prompt.add(p);
      }
      if (prompt.contains("none") && prompt.size() > 1) {
        // OIDC Core §3.1.2.1
        throw OAuthError.invalidRequest("prompt=none cannot be combined with other values");
      }
    }
    Integer maxAge = null;
    if (q.get("max_age") != null) {
      try {
        maxAge = Integer.valueOf(q.get("max_age"));
      } catch (NumberFormatException e) {
        maxAge = -1;
      }
      if (maxAge < 0) {
        throw OAuthError.invalidRequest("max_age must be a non-negative number of seconds");
      }
    }
    List<String> acr = q.get("acr_values") == null ? List.of() : List.of(q.get("acr_values").trim().split(" +"));
    List<String> essentialAcr = ClaimsParameter.essentialAcr(q.get("claims"));
    if (!essentialAcr.isEmpty()) {
      // OIDC Core 5.5.1.1: the claims parameter's essential acr values, required as acr_values are
      Set<String> all = new LinkedHashSet<>(acr);
      all.addAll(essentialAcr);
      acr = List.copyOf(all);
    }
    String nonce = q.get("nonce");
    if (nonce != null && nonce.length() > 512) {
      throw OAuthError.invalidRequest("nonce is longer than 512 characters");
    }
    if (state != null && state.length() > 2048) {
      throw OAuthError.invalidRequest("state is longer than 2048 characters");
    }
    return new AuthorizationRequest(client.clientId(), redirectUri, List.copyOf(scopes), state, nonce,
        challenge, prompt, maxAge, acr, audiences.forUser(client, scopes, q.getAll("resource")));
  }
}
