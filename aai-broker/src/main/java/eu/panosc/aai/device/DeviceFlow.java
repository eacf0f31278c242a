package eu.panosc.aai.device;

import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.Grant;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.aai.token.UserTokenIssuer;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The OAuth 2.0 Device Authorization Grant (RFC 8628), wired in one place: the device authorization endpoint
 * ({@code POST /device_authorization}), the verification page ({@code GET|POST /device}) and the
 * {@value DeviceCodeGrant#TYPE} grant of the token endpoint. The device codes' lifetime and polling interval are
 * {@link DeviceCodes}' ({@code services.aai.deviceCodeLifetime}, {@code devicePollInterval}).
 */
public final class DeviceFlow {
  /** How often expired device requests are purged ({@link #purgeExpired}). */
  public static final Duration PURGE = Duration.ofMinutes(10);

  private final ServiceContext context;
  private final RegistryClient registry;
  private final ServiceAudiences audiences;
  private final String issuer;
  private final GrantStore grants;
  private final Optional<PasswordConnector> connector;
  private final Users users;
  private final Sessions sessions;
  private final Consents consents;
  private final DeviceCodes devices;
  private final DeviceCodeGrant grant;

  public DeviceFlow(ServiceContext context, RegistryClient registry, ServiceAudiences audiences, String issuer,
      GrantStore grants, UserTokenIssuer userTokens, Optional<PasswordConnector> connector, Users users,
      Sessions sessions, Consents consents, DeviceCodes devices) {
    this.context = Objects.requireNonNull(context, "context");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.audiences = Objects.requireNonNull(audiences, "audiences");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.connector = Objects.requireNonNull(connector, "connector");
    this.users = Objects.requireNonNull(users, "users");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.consents = Objects.requireNonNull(consents, "consents");
    this.devices = Objects.requireNonNull(devices, "devices");
    this.grant = new DeviceCodeGrant(devices, grants, userTokens);
  }

  /** The token endpoint's grant. */
  public Grant grant() {
    return grant;
  }

  /** Mounts {@code POST /device_authorization} and {@code GET|POST /device}. */
  public void mount(Router router, ClientAuthenticator clients) {
    new DeviceAuthorizationEndpoint(clients, devices, audiences, issuer, context.clock()).mount(router);
    new DeviceVerificationEndpoint(devices, registry, connector, users, sessions,
        consents, grants, new WrongCodeLimiter(context.clock()),
        context.baseUrl().getPath(), "https".equals(context.baseUrl().getScheme())).mount(router);
  }

  /** Deletes expired device requests (run every {@link #PURGE} by one replica). */
  public Future<Void> purgeExpired() {
    return devices.purgeExpired();
  }
}
