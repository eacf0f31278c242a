package eu.panosc.aai.oauth;

import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.aai.token.TokenResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * RFC 6749 §4.4: a service acts on its own behalf. Scopes must be registered for the client (default: all
 * its service scopes); the audience is each scope's service, or the RFC 8707 {@code resource} values.
 */
public final class ClientCredentialsGrant implements Grant {
  private final AccessTokens tokens;
  private final ServiceAudiences audiences;

  public ClientCredentialsGrant(AccessTokens tokens, ServiceAudiences audiences) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.audiences = Objects.requireNonNull(audiences, "audiences");
  }

  @Override
  public String type() {
    return "client_credentials";
  }

  @Override
  public Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form) {
    Set<String> allowed = new LinkedHashSet<>(client.scopes());
    Set<String> requested = new LinkedHashSet<>();
    String scope = form.get("scope");
    if (scope == null || scope.isBlank()) {
      allowed.stream().filter(audiences::isServiceScope).forEach(requested::add);
    } else {
      for (String s : Grant.scopeTokens(scope)) {
        if (!allowed.contains(s)) {
          // RFC 6749 §5.2 invalid_scope
          return Future.failedFuture(OAuthError.invalidScope("scope " + s + " is not granted to this client"));
        }
        requested.add(s);
      }
    }
    List<String> aud = audiences.audiencesOf(requested);
    List<String> resources = form.getAll("resource");
    String registered = client.registered().audience();
    if (!resources.isEmpty()) {
      for (String r : resources) {
        if (!aud.contains(r) && !r.equals(registered)) {
          // RFC 8707 §2
          return Future.failedFuture(OAuthError.invalidTarget("resource " + r + " is not a target of the requested scopes"));
        }
      }
      aud = List.copyOf(new LinkedHashSet<>(resources));
    }
    if (aud.isEmpty()) {
      if (registered == null) {
        return Future.failedFuture(OAuthError.invalidScope("no service scope requested, and the client has no audience"));
      }
      aud = List.of(registered);
    }
    return Future.succeededFuture(TokenResponse.of(tokens.issue(client.clientId(), client.clientId(), aud, requested,
        b -> { }, tokens.algorithmFor(client.registered()))));
  }
}
