package eu.panosc.keycloak.registration;

import eu.panosc.keycloak.oauth.ClientCredentials;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * The {@code panosc} realm resource ({@code /realms/<realm>/panosc/...}); settings are server-wide
 * ({@code --spi-realm-restapi-extension--panosc--<key>}, listed with help texts under Server info → Providers).
 */
public final class RegistrationResourceProviderFactory implements RealmResourceProviderFactory,
    ServerInfoAwareProviderFactory {
  public static final String ID = "panosc";
  private static final Logger LOG = Logger.getLogger(RegistrationResourceProviderFactory.class);

  private RegistrationSettings settings;
  private FederationRegistration registration;

  @Override
  public RealmResourceProvider create(KeycloakSession session) {
    return new RealmResourceProvider() {
      @Override
      public Object getResource() {
        return new RegistrationResource(session, RegistrationResourceProviderFactory.this);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void init(Config.Scope config) {
    settings = RegistrationSettings.read(config::get);
    if (settings == null) {
      LOG.infof("panosc registration: no registry-url; /realms/<realm>/panosc/registration answers 503");
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    registration = new FederationRegistration(new HttpRegistryApi(http, settings.registryUrl(),
        new ClientCredentials(http, settings.tokenEndpoint(), settings.clientId(), settings.clientSecret(),
            settings.scope(), Clock.systemUTC())), settings.facility());
  }

  RegistrationSettings settings() {
    return settings;
  }

  FederationRegistration registration() {
    return registration;
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}

  /** Shown under Provider info in the admin console: the effective settings, never the secret. */
  @Override
  public Map<String, String> getOperationalInfo() {
    Map<String, String> info = new LinkedHashMap<>();
    if (settings == null) {
      info.put("registry-url", "(not configured: registration answers 503)");
      return info;
    }
    info.put("registry-url", settings.registryUrl().toString());
    info.put("facility", settings.facility());
    info.put("token-endpoint", settings.tokenEndpoint().toString());
    info.put("client-id", settings.clientId());
    info.put("scope", settings.scope());
    return info;
  }

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public List<ProviderConfigProperty> getConfigMetadata() {
    return ProviderConfigurationBuilder.create()
        .property().name("registry-url").type("string").label("Federation registry URL")
        .helpText("Base URL of the federation-registry, e.g. https://panosc.example.org/registry. Unset: "
            + "registration is off (503).").add()
        .property().name("facility").type("string").label("Facility")
        .helpText("The facility id the realm's clients are registered under (must exist in the registry).").add()
        .property().name("token-endpoint").type("string").label("Token endpoint")
        .helpText("OAuth token endpoint for the registry client's tokens (client credentials grant).").add()
        .property().name("client-id").type("string").label("Client id")
        .helpText("Client allowed the scope registry:admin.").add()
        .property().name("client-secret").type("password").secret(true).label("Client secret")
        .helpText("That client's secret (never logged).").add()
        .property().name("scope").type("string").defaultValue("registry:admin").label("Scope")
        .helpText("Scope requested with the token.").add()
        .build();
  }
}
