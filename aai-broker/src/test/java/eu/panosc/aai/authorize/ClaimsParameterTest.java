package eu.panosc.aai.authorize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.protocol.OAuthError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimsParameterTest {
  private static final String MFA = "https://refeds.org/profile/mfa";

  @Test
  void essentialAcrWhenIdTokenOrUserinfoAsksEssentialValuesThenThoseValuesInOrder() {
    assertThat(ClaimsParameter.essentialAcr("{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"" + MFA
        + "\",\"https://refeds.org/sfa\"]}}}")).containsExactly(MFA, "https://refeds.org/sfa");
    assertThat(ClaimsParameter.essentialAcr("{\"userinfo\":{\"acr\":{\"essential\":true,\"value\":\"" + MFA
        + "\"}},\"id_token\":{\"acr\":{\"essential\":true,\"value\":\"" + MFA + "\"}}}")).containsExactly(MFA);
  }

  @Test
  void essentialAcrWhenVoluntaryAbsentOrOtherClaimsThenNothingRequired() {
    assertThat(ClaimsParameter.essentialAcr(null)).isEmpty();
    assertThat(ClaimsParameter.essentialAcr("{}")).isEmpty();
    assertThat(ClaimsParameter.essentialAcr("{\"id_token\":{\"acr\":{\"values\":[\"" + MFA + "\"]}}}"))
        .as("voluntary (essential absent)").isEmpty();
    assertThat(ClaimsParameter.essentialAcr("{\"id_token\":{\"acr\":{\"essential\":false,\"value\":\"" + MFA
        + "\"}}}")).as("voluntary").isEmpty();
    assertThat(ClaimsParameter.essentialAcr("{\"id_token\":{\"acr\":null,\"email\":{\"essential\":true}}}")).isEmpty();
    assertThat(ClaimsParameter.essentialAcr("{\"id_token\":{\"acr\":{\"essential\":true}}}"))
        .as("essential without values: any acr, which every token has").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[\"id_token\"]",
      "{\"id_token\":[]}",
      "{\"id_token\":{\"acr\":\"" + MFA + "\"}}",
      "{\"id_token\":{\"acr\":{\"essential\":\"yes\",\"value\":\"x\"}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":\"" + MFA + "\"}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[1]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"a b\"]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"\"]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"a\\u0000b\"]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"value\":\"a\",\"values\":[\"b\"]}}}",
      "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\","
          + "\"10\",\"11\"]}}}"})
  void essentialAcrWhenMalformedThenInvalidRequest(String claims) {
    assertThatThrownBy(() -> ClaimsParameter.essentialAcr(claims)).isInstanceOf(OAuthError.class)
        .satisfies(e -> assertThat(((OAuthError) e).error()).isEqualTo("invalid_request"))
        .hasMessageContaining("claims");
  }
}
