package eu.panosc.keycloak.dataset;

import eu.panosc.keycloak.pdp.PdpSettings;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/** Makes the {@link DatasetAccessAuthenticator}; its configuration is the executor's (prefix, IdP alias, PDP). */
public final class DatasetAccessAuthenticatorFactory implements AuthenticatorFactory {
  public static final String ID = "panosc-dataset-access";
  private static final DatasetAccessAuthenticator INSTANCE = new DatasetAccessAuthenticator();
  private static final List<ProviderConfigProperty> CONFIG =
      PdpSettings.connectionProperties(ProviderConfigurationBuilder.create()
      .property().name(DatasetAudienceExecutor.Configuration.PREFIX).label("Dataset scope prefix")
      .type(ProviderConfigProperty.STRING_TYPE).defaultValue("dataset:")
      .helpText("A requested scope starting with this prefix names a dataset; so does the authorization request"
          + " parameter 'dataset' (a PID).").add()
      .property().name(DatasetAudienceExecutor.Configuration.IDENTITY_PROVIDER).label("Federation identity provider")
      .type(ProviderConfigProperty.STRING_TYPE).defaultValue("panosc")
      .helpText("The alias of the aai-broker identity provider whose link holds the user's pairwise 'sub'.").add())
      .property().name(PdpSettings.BUDGET_MS).label("Time budget (ms)").type(ProviderConfigProperty.STRING_TYPE)
      .defaultValue("200").helpText("The longest one login waits for the PDP (1 to 60000 ms); then it is stopped"
          + " with a page saying to try again.").add()
      .build();

  @Override
  public Authenticator create(KeycloakSession session) {
    return INSTANCE;
  }

  @Override
  public void init(Config.Scope config) {
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {
  }

  @Override
  public void close() {
  }

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getDisplayType() {
    return "PaNOSC dataset access";
  }

  @Override
  public String getReferenceCategory() {
    return "panosc-dataset";
  }

  @Override
  public boolean isConfigurable() {
    return true;
  }

  @Override
  public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
    return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED,
        AuthenticationExecutionModel.Requirement.DISABLED};
  }

  @Override
  public boolean isUserSetupAllowed() {
    return false;
  }

  @Override
  public String getHelpText() {
    return "Stops a login whose authorization request names a dataset (parameter 'dataset' or a prefixed scope) the"
        + " federation's PDP does not let the user read, with an error page. Put it in the identity provider's"
        + " post-login flow.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return CONFIG;
  }
}
