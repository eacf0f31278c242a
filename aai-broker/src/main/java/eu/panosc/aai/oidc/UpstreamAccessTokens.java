package eu.panosc.aai.oidc;

import eu.panosc.aai.attributes.MissingAttributesException;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.oauth.ExternalSubjectTokens;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.user.Users;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream OPs' access tokens (JWTs) as RFC 8693 subject tokens: the token's {@code iss} must be a configured upstream
 * with {@code tokenExchange} on; it is verified against that OP's JWKS (same algorithm allow-list and key handling as
 * ID tokens) and {@link UpstreamJwts#checkAccessToken}; its claims go through the upstream's attribute mapper (so the
 * community id, {@code voperson_id} or {@code sub} as configured, is the key, never e-mail), and that user must exist
 * at the broker (signed in through the broker at least once, or linked).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8693#section-2.1">RFC 8693 §2.1</a>
 */
public final class UpstreamAccessTokens implements ExternalSubjectTokens {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamAccessTokens.class);

  private final OidcLogin login;
  private final Users users;
  private final Clock clock;

  public UpstreamAccessTokens(OidcLogin login, Users users, Clock clock) {
    this.login = Objects.requireNonNull(login, "login");
    this.users = Objects.requireNonNull(users, "users");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private Optional<OidcUpstream> upstreamOf(String token) {
    return UpstreamJwts.peekIssuer(token).flatMap(login::byIssuer)
        .filter(u -> u.provider().settings().tokenExchange());
  }

  @Override
  public boolean accepts(String token) {
    return upstreamOf(token).isPresent();
  }

  @Override
  public Future<String> userOf(String token) {
    Optional<OidcUpstream> found = upstreamOf(token);
    if (found.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("subject_token is invalid, expired or revoked"));
    }
    OidcUpstream upstream = found.get();
    OidcUpstreamSettings s = upstream.provider().settings();
    return UpstreamJwts.verify(token, upstream.provider()).compose(claims -> {
      UpstreamJwts.checkAccessToken(claims, s, clock.instant());
      Map<String, Object> plain = new LinkedHashMap<>(claims.getClaims());
      plain.replaceAll((k, v) -> v instanceof Date d ? d.getTime() / 1000 : v);
      String userId;
      try {
        userId = upstream.mapper().identity(UpstreamAttributes.oidc(upstream.id(), s.issuerId(), plain, List.of(),
            null, null)).identity().userId();
      } catch (NoUsableUserIdException | MissingAttributesException e) {
        LOG.info("external token of upstream {} carries no usable user identifier: {}", upstream.id(),
            e.getMessage());
        return Future.failedFuture(OAuthError.invalidGrant("the " + s.displayName() + " token carries no identifier "
            + "this broker can resolve (" + (e instanceof NoUsableUserIdException n ? "tried " + n.tried()
            : "missing " + ((MissingAttributesException) e).missing()) + ")"));
      }
      return users.find(userId).compose(user -> user.isPresent() ? Future.succeededFuture(user.get().id())
          : Future.failedFuture(OAuthError.invalidGrant("no user of this broker has this " + s.displayName()
              + " identity: sign in through the broker with " + s.displayName() + " once (or link it to your "
              + "account) before exchanging its tokens")));
    }).recover(e -> {
      if (e instanceof TokenRejectedException t) {
        LOG.info("external subject token of upstream {} refused ({}): {}", upstream.id(), t.reason(), t.getMessage());
        // RFC 8693 §2.2.2: an invalid subject_token is invalid_request
        return Future.failedFuture(OAuthError.invalidRequest("subject_token is not accepted ("
            + t.reason().name().toLowerCase(java.util.Locale.ROOT) + ")"));
      }
      if (e instanceof OAuthError) {
        return Future.failedFuture(e);
      }
      LOG.error("external subject token of upstream {} could not be checked: {}", upstream.id(), e.getMessage());
      return Future.failedFuture(OAuthError.temporarilyUnavailable("the upstream's keys cannot be fetched now", 5));
    });
  }
}
