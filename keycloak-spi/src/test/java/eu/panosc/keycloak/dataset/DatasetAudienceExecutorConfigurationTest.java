package eu.panosc.keycloak.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatasetAudienceExecutorConfigurationTest {
  private static DatasetAudienceExecutor.Configuration good() {
    DatasetAudienceExecutor.Configuration c = new DatasetAudienceExecutor.Configuration();
    c.pdpUrl = "https://panosc.example/pdp";
    c.tokenEndpoint = "https://panosc.example/aai/token";
    c.pdpClientId = "esrf-keycloak-pdp";
    c.pdpClientSecret = "s3cret";
    c.facility = "esrf";
    return c;
  }

  @Test
  void validateConfigWhenCompleteThenValid() {
    assertThat(good().problems()).isEmpty();
    assertThat(good().validateConfig()).isTrue();
  }

  @Test
  void validateConfigWhenBadThenInvalidNamingTheFields() {
    DatasetAudienceExecutor.Configuration c = good();
    c.pdpUrl = "not a url";
    c.prefix = "";
    c.budgetMillis = "-3";
    assertThat(c.validateConfig()).isFalse();
    assertThat(String.join("; ", c.problems())).contains("pdpUrl").contains("prefix").contains("budgetMillis");
  }
}
