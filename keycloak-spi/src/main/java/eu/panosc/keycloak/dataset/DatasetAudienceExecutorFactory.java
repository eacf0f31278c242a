package eu.panosc.keycloak.dataset;

import eu.panosc.keycloak.pdp.PdpSettings;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Makes {@link DatasetAudienceExecutor}s; lists their configuration (with help texts) for the admin console. */
public final class DatasetAudienceExecutorFactory implements ClientPolicyExecutorProviderFactory {
  public static final String ID = "panosc-dataset-audience";
  private static final List<ProviderConfigProperty> CONFIG =
      PdpSettings.connectionProperties(ProviderConfigurationBuilder.create()
      .property().name(DatasetAudienceExecutor.Configuration.PREFIX).label("Dataset prefix")
      .type(ProviderConfigProperty.STRING_TYPE).defaultValue("dataset:")
      .helpText("A requested scope, 'resource' or 'audience' value starting with this prefix names a dataset (the"
          + " rest is its PID); the PDP must allow the user to read it, else the token is refused.").add()
      .property().name(DatasetAudienceExecutor.Configuration.IDENTITY_PROVIDER).label("Federation identity provider")
      .type(ProviderConfigProperty.STRING_TYPE).defaultValue("panosc")
      .helpText("The alias of the aai-broker identity provider whose link holds the user's pairwise 'sub'.").add())
      .property().name(PdpSettings.BUDGET_MS).label("Time budget (ms)").type(ProviderConfigProperty.STRING_TYPE)
      .defaultValue("200").helpText("The longest one token request waits for the PDP (1 to 60000 ms); then it is"
          + " refused (temporarily_unavailable).").add()
      .build();

  @Override
  public ClientPolicyExecutorProvider<DatasetAudienceExecutor.Configuration> create(KeycloakSession session) {
    return new DatasetAudienceExecutor(session);
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
  public String getHelpText() {
    return "Refuses a token that names a dataset (scope, resource or audience with the configured prefix) unless the"
        + " federation's PDP lets the user read that dataset (AuthZEN evaluation, action 'read').";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return CONFIG;
  }
}
