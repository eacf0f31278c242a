package eu.panosc.keycloak.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static RealmClient webApp(String id) {
    return new RealmClient(id, "The portal", "openid-connect", true, false, false, true, false, false,
        "client-secret", null, List.of("https://portal.example/cb"), List.of("profile", "email", "role list"));
  }

  @Test
  void aConfidentialWebClientMapsToTheRegistrysDocument() {
    RegistryDocuments.Mapped m = RegistryDocuments.map("esrf", "esrf", webApp("portal"));
    assertThat(m.skipReason()).isNull();
    assertThat(m.document().toString()).isEqualTo("{\"clientId\":\"portal\",\"facility\":\"esrf\","
        + "\"type\":\"confidential\",\"grantTypes\":[\"authorization_code\",\"refresh_token\"],"
        + "\"authMethod\":\"client_secret_basic\",\"redirectUris\":[\"https://portal.example/cb\"],"
        + "\"scopes\":[\"email\",\"openid\",\"profile\"],\"description\":\"Keycloak realm esrf: The portal\"}");
  }

  @Test
  void publicServiceAndDeviceClientsGetTheirTypes() {
    var spa = new RealmClient("spa", null, "openid-connect", true, true, false, true, true, false, null, null,
        List.of("https://spa.example/"), List.of());
    ObjectNode d = RegistryDocuments.map("r", "f", spa).document();
    assertThat(d.get("type").asText()).isEqualTo("public");
    assertThat(d.get("authMethod").asText()).isEqualTo("none");
    assertThat(d.get("grantTypes").toString()).as("no client_credentials for a public client")
        .isEqualTo("[\"authorization_code\",\"refresh_token\"]");
    var batch = new RealmClient("batch-job", null, "openid-connect", true, false, false, false, true, false,
        "client-secret", null, List.of("https://ignored.example/cb"), List.of());
    ObjectNode b = RegistryDocuments.map("r", "f", batch).document();
    assertThat(b.get("type").asText()).isEqualTo("service");
    assertThat(b.get("redirectUris")).isEmpty();
    assertThat(b.get("scopes").toString()).isEqualTo("[\"openid\"]");
    var tv = new RealmClient("tv-app", null, "openid-connect", true, true, false, false, false, true, null, null,
        List.of(), List.of());
    assertThat(RegistryDocuments.map("r", "f", tv).document().get("grantTypes").toString())
        .isEqualTo("[\"" + RegistryDocuments.DEVICE_CODE + "\"]");
  }

  @Test
  void relativeRedirectsAreResolvedAgainstTheRootUrl() {
    var c = new RealmClient("app", null, "openid-connect", true, false, false, true, false, false, "client-secret",
        "https://app.example/base/", List.of("cb", "https://app.example/base/cb"), List.of());
    assertThat(RegistryDocuments.map("r", "f", c).document().get("redirectUris").toString())
        .isEqualTo("[\"https://app.example/base/cb\"]");
  }

  @Test
  void whatTheRegistryCannotHoldIsSkippedWithAReason() {
    assertThat(reason(new RealmClient("account", null, "openid-connect", true, true, false, true, false, false, null,
        null, List.of("/realms/r/account/*"), List.of()))).isEqualTo("a built-in Keycloak client");
    assertThat(reason(new RealmClient("saml-sp", null, "saml", true, false, false, true, false, false, null, null,
        List.of(), List.of()))).contains("not an OpenID Connect client");
    assertThat(reason(new RealmClient("api", null, "openid-connect", true, false, true, false, false, false, null,
        null, List.of(), List.of()))).contains("bearer-only");
    assertThat(reason(new RealmClient("off", null, "openid-connect", false, false, false, true, false, false, null,
        null, List.of("https://x.example/cb"), List.of()))).isEqualTo("disabled");
    assertThat(reason(new RealmClient("https://weird/id", null, "openid-connect", true, false, false, true, false,
        false, null, null, List.of("https://x.example/cb"), List.of()))).contains("client ids are 3-64");
    assertThat(reason(new RealmClient("wild", null, "openid-connect", true, false, false, true, false, false, null,
        null, List.of("https://x.example/*"), List.of()))).contains("wildcard redirect URI https://x.example/*");
    assertThat(reason(new RealmClient("jwt", null, "openid-connect", true, false, false, true, false, false,
        "client-jwt", null, List.of("https://x.example/cb"), List.of()))).contains("private_key_jwt");
    assertThat(reason(new RealmClient("x509", null, "openid-connect", true, false, false, true, false, false,
        "client-x509", null, List.of("https://x.example/cb"), List.of()))).contains("client-x509");
    assertThat(reason(new RealmClient("pw-only", null, "openid-connect", true, false, false, false, false, false,
        null, null, List.of(), List.of()))).contains("no grant type");
    assertThat(reason(new RealmClient("no-cb", null, "openid-connect", true, false, false, true, false, false, null,
        null, List.of(), List.of()))).contains("without a redirect URI");
  }

  @Test
  void sameComparesOnlyWhatThisModuleOwns() throws Exception {
    ObjectNode wanted = RegistryDocuments.map("esrf", "esrf", webApp("portal")).document();
    ObjectNode stored = wanted.deepCopy().put("state", "approved").put("version", 3).put("tokenSigningAlg", "RS256");
    assertThat(RegistryDocuments.same(stored, wanted)).isTrue();
    stored.putArray("redirectUris").add("https://old.example/cb");
    assertThat(RegistryDocuments.same(stored, wanted)).isFalse();
  }

  @Test
  void mergedKeepsTheAdministratorsFieldsAndDropsTheMembersState() throws Exception {
    ObjectNode wanted = RegistryDocuments.map("esrf", "esrf", webApp("portal")).document();
    ObjectNode stored = (ObjectNode) JSON.readTree("{\"clientId\":\"portal\",\"facility\":\"esrf\","
        + "\"type\":\"confidential\",\"grantTypes\":[\"authorization_code\"],\"authMethod\":\"private_key_jwt\","
        + "\"jwks\":{\"keys\":[]},\"redirectUris\":[\"https://old.example/cb\"],\"scopes\":[\"openid\"],"
        + "\"allowedUpstreams\":[\"umbrella\"],\"tokenSigningAlg\":\"RS256\",\"state\":\"approved\",\"version\":4,"
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":null}");
    ObjectNode put = RegistryDocuments.merged(stored, wanted);
    assertThat(put.has("state")).isFalse();
    assertThat(put.has("version")).isFalse();
    assertThat(put.has("createdAt")).isFalse();
    assertThat(put.has("jwks")).as("only with private_key_jwt").isFalse();
    assertThat(put.get("allowedUpstreams").toString()).isEqualTo("[\"umbrella\"]");
    assertThat(put.get("tokenSigningAlg").asText()).isEqualTo("RS256");
    assertThat(put.get("redirectUris").toString()).isEqualTo("[\"https://portal.example/cb\"]");
  }

  private static String reason(RealmClient c) {
    RegistryDocuments.Mapped m = RegistryDocuments.map("master", "f", c);
    assertThat(m.document()).isNull();
    return m.skipReason();
  }
}
