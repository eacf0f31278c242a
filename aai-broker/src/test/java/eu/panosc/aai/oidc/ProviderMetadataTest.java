package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A discovery document is used only when its issuer is the configured one and its endpoints are https. */
class ProviderMetadataTest {
  private static JsonObject doc(String issuer) {
    return new JsonObject().put("issuer", issuer).put("authorization_endpoint", issuer + "/auth")
        .put("token_endpoint", issuer + "/token").put("jwks_uri", issuer + "/jwks")
        .put("userinfo_endpoint", issuer + "/userinfo").put("end_session_endpoint", issuer + "/logout");
  }

  @Test
  void parseWhenCompleteThenEndpoints() {
    ProviderMetadata m = ProviderMetadata.parse(doc("https://op.example.org"), "https://op.example.org");

    assertThat(m.tokenEndpoint()).hasToString("https://op.example.org/token");
    assertThat(m.endSessionEndpoint()).isPresent();
    assertThat(m.userinfoEndpoint()).isPresent();
    assertThat(m.introspectionEndpoint()).as("not in the document").isEmpty();
  }

  @Test
  void parseWhenIntrospectionEndpointThenReadAndHttpsRequired() {
    assertThat(ProviderMetadata.parse(doc("https://op.example.org").put("introspection_endpoint",
        "https://op.example.org/introspect"), "https://op.example.org").introspectionEndpoint())
        .hasValueSatisfying(u -> assertThat(u).hasToString("https://op.example.org/introspect"));
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("https://op.example.org").put("introspection_endpoint",
        "http://op.example.org/introspect"), "https://op.example.org")).hasMessageContaining("introspection_endpoint")
        .hasMessageContaining("https");
  }

  @Test
  void parseWhenIssuerDiffersThenRefused() {
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("https://evil.example.org"), "https://op.example.org"))
        .hasMessageContaining("not the configured");
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("https://op.example.org/"), "https://op.example.org"))
        .hasMessageContaining("not the configured");
  }

  @Test
  void parseWhenEndpointMissingOrNotHttpsThenRefused() {
    JsonObject noToken = doc("https://op.example.org");
    noToken.remove("token_endpoint");
    assertThatThrownBy(() -> ProviderMetadata.parse(noToken, "https://op.example.org")).hasMessageContaining(
        "token_endpoint");
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("https://op.example.org").put("jwks_uri",
        "http://op.example.org/jwks"), "https://op.example.org")).hasMessageContaining("https");
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("https://op.example.org").put("jwks_uri", 42),
        "https://op.example.org")).hasMessageContaining("not a URL");
  }

  @Test
  void parseWhenLoopbackIssuerThenPlainHttpAllowedOnLoopbackOnly() {
    assertThat(ProviderMetadata.parse(doc("http://127.0.0.1:8080/realms/x"), "http://127.0.0.1:8080/realms/x")
        .jwksUri()).hasToString("http://127.0.0.1:8080/realms/x/jwks");
    assertThatThrownBy(() -> ProviderMetadata.parse(doc("http://127.0.0.1:8080/realms/x").put("token_endpoint",
        "http://op.example.org/token"), "http://127.0.0.1:8080/realms/x")).hasMessageContaining("https");
  }
}
