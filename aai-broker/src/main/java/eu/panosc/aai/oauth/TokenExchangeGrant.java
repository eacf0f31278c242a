package eu.panosc.aai.oauth;

import java.util.stream.Stream;
import eu.panosc.aai.registry.ResourceServer;
import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.token.TokenResponse;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8693 token exchange: a facility service presents a token it received (the subject token, issued
 * by this provider for that service) and gets one for another audience it is allowed to reach
 * (registry field {@code tokenExchange.audiences}), with equal or narrower scopes and an {@code act}
 * claim naming the service. A user's pairwise {@code sub} is re-derived for the target's facility, so
 * the new audience sees the user under its own identifier.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8693">RFC 8693</a>
 */
public final class TokenExchangeGrant implements Grant {
  public static final String TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  private final AccessTokens tokens;
  private final RevokedTokens revoked;
  private final PairwiseSubjects subjects;
  private final RegistryClient registry;
  private final GrantStore grants;
  /** Upstream OPs' access tokens that may be exchanged too. */
  private final ExternalSubjectTokens external;

  public TokenExchangeGrant(AccessTokens tokens, RevokedTokens revoked, PairwiseSubjects subjects,
      RegistryClient registry, GrantStore grants) {
    this(tokens, revoked, subjects, registry, grants, ExternalSubjectTokens.NONE);
  }

  /** As above; {@code external}: upstream OPs' access tokens accepted as subject tokens. */
  public TokenExchangeGrant(AccessTokens tokens, RevokedTokens revoked, PairwiseSubjects subjects,
      RegistryClient registry, GrantStore grants, ExternalSubjectTokens external) {
    this.external = Objects.requireNonNull(external, "external");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form) {
    String subjectToken = form.get("subject_token");
    String subjectTokenType = form.get("subject_token_type");
    if (subjectToken == null || subjectTokenType == null) {
      // RFC 8693 §2.1: both are REQUIRED
      return Future.failedFuture(OAuthError.invalidRequest("subject_token and subject_token_type are required"));
    }
    if (!ACCESS_TOKEN.equals(subjectTokenType) && !JWT.equals(subjectTokenType)) {
      return Future.failedFuture(OAuthError.invalidRequest("subject_token_type must be " + ACCESS_TOKEN));
    }
    if (form.get("actor_token") != null) {
      return Future.failedFuture(OAuthError.invalidRequest("actor_token is not supported; the client is the actor"));
    }
    String requestedType = form.get("requested_token_type");
    if (requestedType != null && !ACCESS_TOKEN.equals(requestedType)) {
      return Future.failedFuture(OAuthError.invalidRequest("only access tokens can be requested"));
    }
    // RFC 8693 §2.2.2: an invalid or unacceptable subject_token is invalid_request
    Optional<JWTClaimsSet> verified = tokens.verifyOwn(subjectToken).filter(c -> !revoked.isRevoked(c.getJWTID()));
    if (verified.isEmpty() && external.accepts(subjectToken)) {
      return exchangeExternal(client, form, subjectToken);
    }
    if (verified.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("subject_token is invalid, expired or revoked"));
    }
    JWTClaimsSet subject = verified.get();
    String ownAudience = client.registered().audience();
    List<String> subjectAudience = subject.getAudience();
    if (!subjectAudience.contains(client.clientId()) && (ownAudience == null || !subjectAudience.contains(ownAudience))) {
      return Future.failedFuture(OAuthError.invalidRequest("subject_token was not issued for this client"));
    }
    List<String> targets = new ArrayList<>(new LinkedHashSet<>(concat(form.getAll("audience"), form.getAll("resource"))));
    if (targets.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("audience or resource is required"));
    }
    List<String> allowed = client.registered().tokenExchangeAudiences();
    for (String t : targets) {
      if (!allowed.contains(t)) {
        // RFC 8693 §2.2.2 invalid_target: registry policy does not let this client reach t
        return Future.failedFuture(OAuthError.invalidTarget("this client may not exchange tokens for " + t));
      }
    }
    Set<String> subjectScopes;
    try {
      String s = subject.getStringClaim("scope");
      subjectScopes = s == null || s.isBlank() ? Set.of() : new LinkedHashSet<>(List.of(s.split(" ")));
    } catch (ParseException e) {
      return Future.failedFuture(OAuthError.invalidRequest("subject_token has an unreadable scope"));
    }
    Set<String> scopes = new LinkedHashSet<>();
    String requested = form.get("scope");
    if (requested == null || requested.isBlank()) {
      scopes.addAll(subjectScopes);
    } else {
      for (String s : Grant.scopeTokens(requested)) {
        if (!subjectScopes.contains(s)) {
          return Future.failedFuture(OAuthError.invalidScope("scope " + s + " exceeds the subject token's scopes"));
        }
        scopes.add(s);
      }
    }
    // the subject token's grant: the new token joins it, so that userinfo and introspection see one state and
    // revoking the grant (logout, refresh token reuse, revocation) revokes the exchanged token too
    return grants.grantOfAccessToken(subject.getJWTID()).compose(grant -> {
      if (grant.isPresent() && grant.get().revoked()) {
        return Future.failedFuture(OAuthError.invalidRequest("subject_token is invalid, expired or revoked"));
      }
      return subjectFor(subject, targets).compose(newSub -> {
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("sub", client.clientId());
        Object previousAct = subject.getClaim("act");
        if (previousAct != null) {
          act.put("act", previousAct);
        }
        String originalClient = (String) subject.getClaim("client_id");
        AccessTokens.Issued issued = tokens.issue(newSub, client.clientId(), targets, scopes, claims -> {
          claims.claim("act", act);
          if (originalClient != null) {
            claims.claim("original_client_id", originalClient);
          }
        }, tokens.algorithmFor(client.registered()));
        TokenResponse response = new TokenResponse(issued, null, null,
            new JsonObject().put("issued_token_type", ACCESS_TOKEN));
        return grant.isEmpty() ? Future.succeededFuture(response)
            : grants.recordAccessToken(grant.get().familyId(), issued).map(v -> response);
      });
    });
  }

  /**
   * An upstream OP's access token (eduTEAMS, MyAccessID) as subject token: verified by the OP's keys and resolved to an
   * existing broker user (else {@code invalid_grant}); the new token carries the target facility's pairwise
   * {@code sub}, {@code act: {sub: <client>}}, and the requested scopes, each registered for the client (none: no
   * scope). It belongs to no grant of the broker (there was no sign-in here), so it ends with its lifetime.
   */
  private Future<TokenResponse> exchangeExternal(AuthenticatedClient client, MultiMap form, String subjectToken) {
    List<String> targets = new ArrayList<>(new LinkedHashSet<>(concat(form.getAll("audience"),
        form.getAll("resource"))));
    if (targets.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("audience or resource is required"));
    }
    for (String t : targets) {
      if (!client.registered().tokenExchangeAudiences().contains(t)) {
        // RFC 8693 §2.2.2 invalid_target: registry policy does not let this client reach t
        return Future.failedFuture(OAuthError.invalidTarget("this client may not exchange tokens for " + t));
      }
    }
    Set<String> scopes = new LinkedHashSet<>();
    String requested = form.get("scope");
    if (requested != null && !requested.isBlank()) {
      for (String s : Grant.scopeTokens(requested)) {
        if (!client.registered().scopes().contains(s)) {
          return Future.failedFuture(OAuthError.invalidScope("scope " + s + " is not registered for this client"));
        }
        scopes.add(s);
      }
    }
    // one of this provider's refresh tokens (opaque too) is never sent to an upstream OP for introspection
    return grants.familyOfRefreshToken(subjectToken).compose(own -> own.isPresent()
        ? Future.failedFuture(OAuthError.invalidRequest("subject_token is a refresh token of this provider, not an "
            + "access token"))
        : external.userOf(subjectToken))
        .compose(user -> targetSector(targets).compose(sector -> subjects.record(sector, user)))
        .map(sub -> {
          AccessTokens.Issued issued = tokens.issue(sub, client.clientId(), targets, scopes,
              claims -> claims.claim("act", Map.of("sub", client.clientId())), tokens.algorithmFor(client.registered()));
          return new TokenResponse(issued, null, null, new JsonObject().put("issued_token_type", ACCESS_TOKEN));
        });
  }

  /** The subject's identifier at the targets: a client stays itself; a user gets the target facility's pairwise id. */
  private Future<String> subjectFor(JWTClaimsSet subject, List<String> targets) {
    String sub = subject.getSubject();
    String sourceClient = (String) subject.getClaim("client_id");
    if (sub == null || sub.equals(sourceClient)) {
      return Future.succeededFuture(sub);
    }
    return registry.client(sourceClient)
        .compose(source -> {
          if (source.isEmpty()) {
            return Future.failedFuture(OAuthError.invalidRequest("the subject token's client is no longer approved"));
          }
          return subjects.resolve(PairwiseSubjects.sectorOf(source.get()), sub);
        })
        .compose(user -> user.isEmpty()
            ? Future.failedFuture(OAuthError.invalidRequest("the subject token's user is unknown"))
            : targetSector(targets).compose(sector -> subjects.record(sector, user.get())));
  }

  /** The one sector of the targets: the facility of the client or resource server with that audience. */
  private Future<String> targetSector(List<String> targets) {
    return Future.all(registry.clients(), registry.resourceServers()).compose(all -> {
      List<RegisteredClient> clients = all.resultAt(0);
      List<ResourceServer> servers = all.resultAt(1);
      Set<String> sectors = new LinkedHashSet<>();
      for (String t : targets) {
        Optional<String> facility = Stream.concat(
                clients.stream().filter(c -> t.equals(c.audience())).map(RegisteredClient::facility),
                servers.stream().filter(r -> t.equals(r.audience())).map(ResourceServer::facility))
            .filter(Objects::nonNull).findFirst();
        sectors.add(facility.map(f -> "facility:" + f).orElse("audience:" + t));
      }
      if (sectors.size() != 1) {
        return Future.failedFuture(OAuthError.invalidTarget("exchange for one facility's audiences at a time"));
      }
      return Future.succeededFuture(sectors.iterator().next());
    });
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
