package eu.panosc.aai;

import eu.panosc.aai.authorize.AuthorizationRequestParser;
import eu.panosc.aai.authorize.AuthorizationService;
import eu.panosc.aai.authorize.AuthorizeEndpoint;
import eu.panosc.aai.authorize.PgPushedRequests;
import eu.panosc.aai.authorize.PushedAuthorizationEndpoint;
import eu.panosc.aai.authorize.PushedRequests;
import eu.panosc.aai.device.DeviceFlow;
import eu.panosc.aai.logout.BackChannelLogout;
import eu.panosc.aai.logout.LogoutEndpoint;
import eu.panosc.aai.logout.LogoutOutbox;
import eu.panosc.aai.logout.PgLogoutOutbox;
import eu.panosc.aai.logout.SessionLogout;
import eu.panosc.aai.oauth.AuthorizationCodeGrant;
import eu.panosc.aai.oauth.ClientAssertions;
import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.ClientCredentialsGrant;
import eu.panosc.aai.oauth.DiscoveryEndpoint;
import eu.panosc.aai.oauth.RefreshTokenGrant;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.oauth.TokenExchangeGrant;
import eu.panosc.aai.oauth.UserInfoEndpoint;
import eu.panosc.aai.resolve.SubjectResolutionEndpoint;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.PendingAuthorizations;
import eu.panosc.aai.session.PgConsents;
import eu.panosc.aai.session.PgPendingAuthorizations;
import eu.panosc.aai.session.PgSessions;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.IdTokens;
import eu.panosc.aai.token.JwtSigner;
import eu.panosc.aai.token.PgGrantStore;
import eu.panosc.aai.token.PgRevokedTokens;
import eu.panosc.aai.token.RateLimiter;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.aai.token.TokenCustomizer;
import eu.panosc.aai.token.UserTokenIssuer;
import eu.panosc.aai.user.DemoConnector;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKeys;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.registry.RegistryClient;
import eu.panosc.registry.federation.PgKeyStorage;
import eu.panosc.registry.oidfed.RotatingFederationKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of the aai-broker, mounted at {@code /aai}: the OAuth 2.0 / OpenID provider that
 * issues per-facility and service-to-service tokens. Clients come from the federation-registry; the
 * provider reads them with a token it issues to itself.
 */
public final class AaiApplication implements ServiceModule {
  private static final Logger LOG = LoggerFactory.getLogger(AaiApplication.class);
  /** Authorization codes are valid this long (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  /** How long a login or consent form stays usable. */
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(15);
  /** A pushed authorization request's {@code request_uri} is valid this long (RFC 9126 §2.2: short). */
  static final Duration PAR_LIFETIME = Duration.ofSeconds(60);
  /** The registry scopes the provider grants itself to look up clients. */
  static final Set<String> SELF_SCOPES = Set.of("registry:read", "registry:credentials");

  private final List<Long> timers = new ArrayList<>();
  private Vertx vertx;
  private RegistryClient registry;
  private BackChannelLogout backChannel;
  private DiscoveryEndpoint discovery;

  @Override
  public String name() {
    return "aai";
  }

  @Override
  public String title() {
    return "single sign-on and per-facility tokens (OpenID provider)";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    vertx = context.vertx();
    ConfigNode section = context.section();
    Duration lifetime = section.duration("accessTokenLifetime", Duration.ofMinutes(5));
    Duration refreshLifetime = section.duration("refreshTokenLifetime", Duration.ofHours(8));
    Duration sessionLifetime = section.duration("sessionLifetime", Duration.ofHours(8));
    Duration purgeInterval = section.duration("purgeInterval", Duration.ofMinutes(10));
    Duration logoutTimeout = section.duration("backchannelLogoutTimeout", Duration.ofSeconds(5));
    int logoutAttempts = section.integer("backchannelLogoutAttempts", 8, 1, 50);
    Duration logoutPoll = section.duration("backchannelLogoutPoll", Duration.ofSeconds(5));
    Duration logoutRetryDelay = section.duration("backchannelLogoutRetryDelay", Duration.ofSeconds(2));
    int rate = section.integer("tokenRatePerSecond", 1000, 1, 1_000_000);
    int burst = section.integer("tokenBurst", 2000, 1, 1_000_000);
    URI registryUrl = section.optionalUri("registryUrl", Set.of("http", "https"))
        .orElse(URI.create(context.publicRoot() + "/registry"));
    String issuer = context.config().auth().issuerFor(context.publicRoot()).toString();
    ServiceAudiences audiences = new ServiceAudiences(context.publicRoot().toString());
    RevokedTokens revoked = new PgRevokedTokens(context.pool(), context.clock());
    Optional<PasswordConnector> connector = context.demo()
        ? Optional.of(DemoConnector.create(DemoFederation.fixture(), true)) : Optional.empty();
    AtomicReference<EnvelopeEncryption> sealed = new AtomicReference<>();
    return context.vertx().executeBlocking(() -> KeyEncryptionKeys.load(context.config()), false)
        .compose(envelopes -> {
          sealed.set(envelopes);
          return RotatingFederationKeys.open(new PgKeyStorage(context.pool(), "aai", "signing_key", envelopes, context.meters()),
              context.clock(), Duration.ofDays(30), Duration.ofDays(2));
        })
        .compose(keys -> RotatingFederationKeys.open(
            new PgKeyStorage(context.pool(), "aai", "rsa_signing_key", sealed.get(), context.meters()),
            context.clock(), Duration.ofDays(30), Duration.ofDays(2), RotatingFederationKeys.RSA_3072_RS256,
            context.vertx()).compose(rsaKeys ->
            PairwiseSubjects.open(context.pool(), context.clock()).compose(subjects ->
            revoked.start(context.vertx(), 5_000).map(timer -> {
          timers.add(timer);
          timers.add(context.vertx().setPeriodic(Duration.ofHours(1).toMillis(), t -> keys.maintain()
              .compose(v -> rsaKeys.maintain())
              .onFailure(e -> LOG.warn("signing key maintenance failed: {}", e.toString()))));
          JwtSigner signer = new JwtSigner(keys, rsaKeys);
          AccessTokens tokens = new AccessTokens(signer, issuer, context.clock(), lifetime);
          AtomicReference<AccessTokens.Issued> self = new AtomicReference<>();
          registry = RegistryClient.http(context.vertx(), registryUrl, () -> Future.succeededFuture(
              selfToken(tokens, self, registryUrl.toString(), context.clock().instant()).jwt()));
          Users users = new PgUsers(context.pool(), context.clock());
          Sessions sessions = new PgSessions(context.pool(), context.clock(), sessionLifetime);
          PendingAuthorizations pending = new PgPendingAuthorizations(context.pool(), context.clock(), PENDING_LIFETIME);
          PushedRequests pushed = new PgPushedRequests(context.pool(), context.clock(), PAR_LIFETIME);
          GrantStore grants = new PgGrantStore(context.pool(), context.clock(), revoked, CODE_LIFETIME, refreshLifetime);
          LogoutOutbox outbox = new PgLogoutOutbox(context.pool());
          backChannel = new BackChannelLogout(context.vertx(), outbox, registry, subjects, signer, issuer,
              context.clock(), logoutTimeout, logoutAttempts, logoutRetryDelay, context.meters());
          backChannel.start(logoutPoll);
          SessionLogout sessionLogout = new SessionLogout(context.pool(), sessions, grants, outbox, backChannel);
          timers.add(context.vertx().setPeriodic(Math.max(1, purgeInterval.toMillis()), t -> sessionLogout.purgeExpired()
              .compose(v -> pending.purgeExpired()).compose(v -> pushed.purgeExpired())
              .compose(v -> grants.purgeExpired())
              .onFailure(e -> LOG.warn("purging expired sessions and grants failed: {}", e.toString()))));
          IdTokens idTokens = new IdTokens(signer, issuer, context.clock(), lifetime);
          UserTokenIssuer userTokens = new UserTokenIssuer(signer, tokens, idTokens,
              subjects, grants, users, registry, List.of(TokenCustomizer.authentication(),
                  TokenCustomizer.facilityEntitlements(), TokenCustomizer.vopersonId()));
          ClientAssertions assertions = new ClientAssertions(context.pool(), context.clock(),
              Set.of(issuer, issuer + "/token", issuer + "/introspect", issuer + "/revoke",
                  issuer + "/device_authorization", issuer + "/par"));
          timers.add(context.vertx().setPeriodic(Duration.ofMinutes(10).toMillis(), t -> assertions.purgeExpired()));
          ClientAuthenticator clientAuthenticator = new ClientAuthenticator(registry, assertions);
          DeviceFlow device = new DeviceFlow(context, registry, audiences, issuer, grants, userTokens, connector, users, sessions);
          RateLimiter limiter = new RateLimiter(rate, burst);
          TokenEndpoint endpoint = new TokenEndpoint(clientAuthenticator, tokens,
              List.of(new ClientCredentialsGrant(tokens, audiences),
                  new AuthorizationCodeGrant(grants, userTokens, context.clock()),
                  new RefreshTokenGrant(grants, userTokens),
                  device.grant(),
                  new TokenExchangeGrant(tokens, revoked, subjects, registry, grants)),
              revoked, limiter, context.meters(), grants, subjects);
          AuthorizationService authorization = new AuthorizationService(registry, connector, users, sessions, pending,
              new PgConsents(context.pool(), context.clock()), grants, issuer, context.clock());
          discovery = new DiscoveryEndpoint(issuer, signer, endpoint.grantTypes());
          discovery.mount(router);
          AuthorizationRequestParser parser = new AuthorizationRequestParser(registry, audiences, issuer, pushed);
          new PushedAuthorizationEndpoint(clientAuthenticator, parser, pushed, limiter).mount(router);
          new AuthorizeEndpoint(parser, authorization,
              context.baseUrl().getPath(), "https".equals(context.baseUrl().getScheme()),
              sessionLifetime.toSeconds()).mount(router);
          new LogoutEndpoint(idTokens, registry, sessions, users, sessionLogout, context.baseUrl().getPath(),
              "https".equals(context.baseUrl().getScheme())).mount(router);
          endpoint.mount(router);
          device.mount(router, clientAuthenticator);
          timers.add(device.startPurging(context.vertx()));
          new UserInfoEndpoint(tokens, revoked, grants, users, registry).mount(router);
          new SubjectResolutionEndpoint(subjects).mount(router, context.bearerAuth());
          return null;
        }))));
  }

  /** RFC 8414 §3: the metadata at the path-inserted well-known locations of the server root. */
  @Override
  public java.util.Map<String, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> wellKnown() {
    if (discovery == null) {
      return java.util.Map.of();
    }
    var handler = discovery.rootMetadataHandler();
    return java.util.Map.of("oauth-authorization-server", handler, "openid-configuration", handler);
  }

  /** A token the provider issues to itself for the registry, renewed a minute before it expires. */
  private static AccessTokens.Issued selfToken(AccessTokens tokens, AtomicReference<AccessTokens.Issued> cache,
      String registryAudience, Instant now) {
    AccessTokens.Issued current = cache.get();
    if (current == null || current.expiresAt().minusSeconds(60).isBefore(now)) {
      current = tokens.issue("aai-broker", "aai-broker", List.of(registryAudience), SELF_SCOPES);
      cache.set(current);
    }
    return current;
  }

  @Override
  public Future<Void> stop() {
    if (vertx != null) {
      timers.forEach(vertx::cancelTimer);
    }
    if (registry != null) {
      registry.close();
    }
    if (backChannel != null) {
      backChannel.close();
    }
    return Future.succeededFuture();
  }
}
