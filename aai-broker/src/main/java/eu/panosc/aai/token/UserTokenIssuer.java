package eu.panosc.aai.token;

import eu.panosc.aai.registry.Facility;
import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.aai.user.Users;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Issues what a user's grant yields: an RFC 9068 access token with the pairwise {@code sub} of the client's
 * sector and the customizers' claims, an ID token when {@code openid} was granted, and a rotated refresh
 * token when the client is registered for {@code refresh_token}. Access tokens are recorded in their family.
 */
public final class UserTokenIssuer {
  private final JwtSigner signer;
  private final RegistryClient registry;
  private final AccessTokens accessTokens;
  private final IdTokens idTokens;
  private final PairwiseSubjects subjects;
  private final GrantStore grants;
  private final Users users;
  private final List<TokenCustomizer> customizers;

  public UserTokenIssuer(JwtSigner signer, AccessTokens accessTokens, IdTokens idTokens, PairwiseSubjects subjects,
      GrantStore grants, Users users, RegistryClient registry, List<TokenCustomizer> customizers) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
    this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.users = Objects.requireNonNull(users, "users");
    this.customizers = List.copyOf(customizers);
  }

  /**
   * @param scopes the scopes of this access token (the family's, or fewer on refresh)
   * @param nonce the authorization request's nonce, for the ID token of a code exchange
   */
  public Future<TokenResponse> issue(RegisteredClient client, GrantStore.Family family, Set<String> scopes, String nonce) {
    String facilityId = client.facility();
    Future<Facility> facility = facilityId == null ? Future.succeededFuture()
        : registry.facility(facilityId).map(f -> f.orElse(null));
    return facility.compose(fac -> subjects.record(PairwiseSubjects.sectorOf(client), family.userId())
        .compose(sub -> users.find(family.userId()).compose(user -> {
      JsonObject attributes = user.map(Users.User::attributes).orElse(new JsonObject());
      TokenCustomizer.Context context = new TokenCustomizer.Context(client, fac, family, attributes, scopes);
      com.nimbusds.jose.JWSAlgorithm alg = signer.algorithmFor(client);
      AccessTokens.Issued at = accessTokens.issue(sub, family.clientId(), family.audiences(), scopes,
          claims -> customizers.forEach(c -> c.customize(context, claims)), alg);
      String idToken = scopes.contains("openid")
          ? idTokens.issue(sub, family.clientId(), family.authTime(), nonce, family.acr(), family.amr(), at.jwt(),
              family.sessionSid(), alg)
          : null;
      boolean refresh = client.allows("refresh_token");
      return grants.recordAccessToken(family.id(), at)
          .compose(v -> refresh ? grants.issueRefreshToken(family) : Future.succeededFuture((String) null))
          .map(rt -> new TokenResponse(at, rt, idToken, null));
    })));
  }
}
