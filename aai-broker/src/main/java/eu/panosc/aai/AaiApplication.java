package eu.panosc.aai;

import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.ClientCredentialsGrant;
import eu.panosc.aai.oauth.DiscoveryEndpoint;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.RateLimiter;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.platform.config.ConfigNode;
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
  /** The registry scopes the provider grants itself to look up clients. */
  static final Set<String> SELF_SCOPES = Set.of("registry:read", "registry:credentials");

  private final List<Long> timers = new ArrayList<>();
  private Vertx vertx;
  private RegistryClient registry;

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
    int rate = section.integer("tokenRatePerSecond", 1000, 1, 1_000_000);
    int burst = section.integer("tokenBurst", 2000, 1, 1_000_000);
    URI registryUrl = section.optionalUri("registryUrl", Set.of("http", "https"))
        .orElse(URI.create(context.publicRoot() + "/registry"));
    String issuer = context.config().auth().issuerFor(context.publicRoot()).toString();
    ServiceAudiences audiences = new ServiceAudiences(context.publicRoot().toString());
    RevokedTokens revoked = new RevokedTokens(context.pool(), context.clock());
    return RotatingFederationKeys.open(new PgKeyStorage(context.pool(), "signing_key"), context.clock(),
            Duration.ofDays(30), Duration.ofDays(2))
        .compose(keys -> revoked.start(context.vertx(), 5_000).map(timer -> {
          timers.add(timer);
          timers.add(context.vertx().setPeriodic(Duration.ofHours(1).toMillis(), t -> keys.maintain()
              .onFailure(e -> LOG.warn("signing key maintenance failed: {}", e.toString()))));
          AccessTokens tokens = new AccessTokens(keys, issuer, context.clock(), lifetime);
          AtomicReference<AccessTokens.Issued> self = new AtomicReference<>();
          registry = RegistryClient.http(context.vertx(), registryUrl, () -> Future.succeededFuture(
              selfToken(tokens, self, registryUrl.toString(), context.clock().instant()).jwt()));
          TokenEndpoint endpoint = new TokenEndpoint(new ClientAuthenticator(registry), tokens,
              List.of(new ClientCredentialsGrant(tokens, audiences)), revoked, new RateLimiter(rate, burst),
              context.meters());
          new DiscoveryEndpoint(issuer, keys, endpoint.grantTypes()).mount(router);
          endpoint.mount(router);
          return null;
        }));
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
    return Future.succeededFuture();
  }
}
