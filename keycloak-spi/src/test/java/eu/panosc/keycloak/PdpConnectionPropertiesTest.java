package eu.panosc.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.keycloak.claims.PdpClaimsMapper;
import eu.panosc.keycloak.dataset.DatasetAccessAuthenticatorFactory;
import eu.panosc.keycloak.dataset.DatasetAudienceExecutorFactory;
import eu.panosc.keycloak.pdp.PdpSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderConfigProperty;

/** Every provider that asks the PDP offers the same connection settings, the secret masked, read by one parser. */
class PdpConnectionPropertiesTest {
  @Test
  void everyProviderAskingThePdpListsTheConnectionSettingsInOrderWithTheSecretMasked() {
    Map<String, List<ProviderConfigProperty>> providers = Map.of(
        "claims mapper", new PdpClaimsMapper().getConfigProperties(),
        "dataset executor", new DatasetAudienceExecutorFactory().getConfigProperties(),
        "dataset authenticator", new DatasetAccessAuthenticatorFactory().getConfigProperties());
    providers.forEach((name, properties) -> {
      assertThat(properties).extracting(ProviderConfigProperty::getName).as(name).containsSubsequence(
          PdpSettings.PDP_URL, PdpSettings.TOKEN_ENDPOINT, PdpSettings.CLIENT_ID, PdpSettings.CLIENT_SECRET,
          PdpSettings.FACILITY, PdpSettings.BUDGET_MS).doesNotHaveDuplicates();
      assertThat(properties).filteredOn(p -> p.getName().equals(PdpSettings.CLIENT_SECRET)).as(name)
          .singleElement().satisfies(p -> {
            assertThat(p.isSecret()).isTrue();
            assertThat(p.getType()).isEqualTo(ProviderConfigProperty.PASSWORD);
          });
      assertThat(properties).filteredOn(p -> p.getHelpText() == null || p.getHelpText().isBlank()).as(name)
          .isEmpty();
    });
  }
}
