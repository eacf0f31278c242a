package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.FuzzCampaign;
import eu.panosc.platform.testing.FuzzFindings;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.OpenApiFuzzer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the registry's OpenAPI document (each collection on its own) driven with hostile inputs
 * ({@link OpenApiFuzzer}) on the demo federation: never a 5xx or a stack trace, a refused write changes neither
 * the member nor the change feed, and afterwards the registry is ready, still serves the demo federation and
 * starts again on the same data.
 */
class RegistryFuzzIT {
  @TempDir
  Path dataDir;

  static final String SAML_SP = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
      + "entityID=\"https://fuzz-sp.example/sp\"><md:SPSSODescriptor "
      + "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:AssertionConsumerService "
      + "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://fuzz-sp.example/acs\" "
      + "index=\"0\"/></md:SPSSODescriptor></md:EntityDescriptor>";

  /** A valid new member per collection: what the fuzzer registers first and then mutates. */
  static final Map<String, String> MEMBERS = Map.of(
      "facilities", "{\"id\":\"fuzzfac\",\"name\":\"Fuzz facility\",\"country\":\"FR\",\"embargoYears\":3,"
          + "\"releaseVopersonId\":false,\"instruments\":[{\"id\":\"fuzzfac:i1\",\"name\":\"I1\",\"technique\":\"t\"}]}",
      "clients", "{\"clientId\":\"fuzz-client\",\"facility\":\"esrf\",\"type\":\"confidential\","
          + "\"grantTypes\":[\"authorization_code\",\"refresh_token\"],\"authMethod\":\"client_secret_basic\","
          + "\"redirectUris\":[\"https://fuzz.example/cb\"],\"postLogoutRedirectUris\":[\"https://fuzz.example/bye\"],"
          + "\"scopes\":[\"openid\",\"profile\"],\"tokenSigningAlg\":\"ES256\",\"audience\":\"https://fuzz.example\","
          + "\"description\":\"fuzz\"}",
      "resource-servers", "{\"audience\":\"https://fuzz-rs.example\",\"facility\":\"esrf\",\"scopes\":[\"fuzz:read\"],"
          + "\"description\":\"fuzz\",\"routeRules\":[{\"methods\":[\"GET\"],\"path\":\"/api/v3/datasets/{pid+}\","
          + "\"action\":\"read\",\"resource\":{\"type\":\"dataset\",\"id\":\"{pid}\"}},"
          + "{\"path\":\"/api/v3/health\",\"public\":true}]}",
      "saml-entities", new JsonObject().put("metadata", SAML_SP).put("facility", "esrf").encode(),
      "upstream-idps", "{\"id\":\"fuzz-oidc\",\"protocol\":\"oidc\",\"displayName\":\"Fuzz\","
          + "\"issuer\":\"https://fuzz-idp.example\",\"trustedEntitlementAuthorities\":[\"fuzz.example\"]}",
      "clusters", "{\"id\":\"fuzz-k8s\",\"facility\":\"esrf\",\"apiUrl\":\"https://k8s.fuzz.example:6443\","
          + "\"credentialsRef\":\"secret/fuzz\",\"capacity\":{\"cpu\":1,\"memoryGi\":1,\"gpu\":0},"
          + "\"storageSites\":[\"esrf-gpfs\"],\"labels\":{\"eosc\":\"false\"}}");

  /** Each member's id in URLs. */
  static final Map<String, String> IDS = Map.of("facilities", "fuzzfac", "clients", "fuzz-client",
      "resource-servers", "https%3A%2F%2Ffuzz-rs.example", "saml-entities", "https%3A%2F%2Ffuzz-sp.example%2Fsp",
      "upstream-idps", "fuzz-oidc", "clusters", "fuzz-k8s");

  static FuzzFindings fuzz(Platform platform, LocalIssuer issuer) {
    String api = platform.baseUrl().toString().replaceAll("/+$", "") + "/registry";
    OpenApiFuzzer.Builder fuzzer = OpenApiFuzzer.forService("federation-registry", URI.create(api))
        .headers(op -> Map.of("Authorization", "Bearer " + issuer.token(api, "registry-admin", "registry:admin",
            "registry:read")))
        .stateProbe(() -> Http.getAuthorized(api + "/v1/changes", issuer.token(api, "resource-broker", "registry:read"))
            .body())
        .example("sub", "https://fuzz.example/entity")
        .example("trust_anchor", api)
        .example("trust_mark_type", "https://panosc.eu/trust-marks/federation-member")
        .example("facility", "esrf")
        .example("id", "fuzz-id")
        .baseline("POST", "/admin/v1/trust-marks", "{\"sub\":\"https://fuzz.example/entity\","
            + "\"type\":\"https://panosc.eu/trust-marks/federation-member\",\"lifetimeDays\":365}");
    MEMBERS.forEach((collection, member) -> {
      fuzzer.baseline("POST", "/admin/v1/" + collection, member);
      fuzzer.baseline("PUT", "/admin/v1/" + collection + "/{id}", member);
      for (String path : new String[] {"/admin/v1/" + collection + "/{id}", "/admin/v1/" + collection + "/{id}/approve",
          "/admin/v1/" + collection + "/{id}/suspend", "/v1/" + collection + "/{id}"}) {
        fuzzer.example(path + " id", IDS.get(collection));
      }
    });
    fuzzer.example("/admin/v1/clients/{id}/secret id", "fuzz-client");
    fuzzer.example("/admin/v1/upstream-idps/{id}/import id", "fuzz-oidc");
    return fuzzer.run();
  }

  static void servesDemo(Platform platform, LocalIssuer issuer) {
    String api = platform.baseUrl().toString().replaceAll("/+$", "") + "/registry";
    String reader = issuer.token(api, "resource-broker", "registry:read");
    assertThat(Http.get(api + "/health/ready").statusCode()).isEqualTo(200);
    JsonObject scicat = new JsonObject(Http.getAuthorized(api + "/v1/clients/scicat-esrf", reader).body());
    assertThat(scicat.getString("state")).isEqualTo("approved");
    assertThat(new JsonObject(Http.getAuthorized(api + "/v1/facilities", reader).body()).getJsonArray("items").stream()
        .map(f -> ((JsonObject) f).getString("id"))).contains("esrf", "ill", "ess", "euxfel", "eli", "ceric");
    assertThat(new JsonObject(Http.getAuthorized(api + "/v1/clusters", reader).body()).getJsonArray("items"))
        .hasSizeGreaterThanOrEqualTo(7);
    assertThat(Http.get(api + "/.well-known/openid-federation").statusCode()).isEqualTo(200);
    assertThat(Http.get(api + "/discovery/idps.json").statusCode()).isEqualTo(200);
  }

  @Test
  void everyRouteWhenFuzzedThenNoServerErrorNoLeakAndStillServesAfterRestart() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      FuzzCampaign.run("federation-registry", () -> RegistryPlatform.start(dataDir, issuer, true),
          platform -> servesDemo(platform, issuer), platform -> fuzz(platform, issuer));
    }
  }
}
