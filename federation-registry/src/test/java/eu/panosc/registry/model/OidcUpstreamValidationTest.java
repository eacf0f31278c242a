package eu.panosc.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An OpenID Connect upstream IdP's relying-party fields (issue 14): the aai-broker's client id at the OP, how it
 * authenticates, a reference to the secret it holds (never the secret), scopes and an OpenID Federation trust anchor.
 */
class OidcUpstreamValidationTest {
  private final MemberValidator validator = new MemberValidator(false, xml -> {
    throw new AssertionError("no SAML here");
  });

  private static JsonObject op() {
    return new JsonObject().put("id", "eduteams").put("protocol", "oidc").put("issuer", "https://proxy.eduteams.org")
        .put("displayName", "eduTEAMS");
  }

  @Test
  void validateWhenSecretClientThenStoredWithTheReferenceAndBasicByDefault() {
    JsonObject doc = validator.validate(MemberKind.UPSTREAM_IDP, op().put("clientId", "panosc-broker")
        .put("credentialsRef", "secret/eduteams-client").put("scopes", new JsonArray().add("openid").add("entitlements")))
        .document();

    assertThat(doc.getString("clientId")).isEqualTo("panosc-broker");
    assertThat(doc.getString("clientAuth")).isEqualTo("client_secret_basic");
    assertThat(doc.getString("credentialsRef")).isEqualTo("secret/eduteams-client");
    assertThat(doc.getJsonArray("scopes")).containsExactly("openid", "entitlements");
    assertThat(doc.containsKey("trustAnchor")).isFalse();
  }

  @Test
  void validateWhenNoClientThenNoRelyingPartyFields() {
    JsonObject doc = validator.validate(MemberKind.UPSTREAM_IDP, op()).document();

    assertThat(doc.containsKey("clientId")).isFalse();
    assertThat(doc.containsKey("clientAuth")).isFalse();
  }

  @Test
  void validateWhenPrivateKeyJwtAndTrustAnchorThenStored() {
    JsonObject doc = validator.validate(MemberKind.UPSTREAM_IDP, op().put("clientId", "panosc-broker")
        .put("trustAnchor", "https://ta.example.org")).document();

    assertThat(doc.getString("clientAuth")).isEqualTo("private_key_jwt");
    assertThat(doc.getString("trustAnchor")).isEqualTo("https://ta.example.org");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"clientId\":\"b\",\"clientAuth\":\"client_secret_post\"}|/credentialsRef|required for client_secret_post",
      "{\"clientId\":\"b\",\"clientAuth\":\"private_key_jwt\",\"credentialsRef\":\"secret/x\"}|/credentialsRef|not used",
      "{\"clientId\":\"b\",\"credentialsRef\":\"hunter2-the-secret\"}|/credentialsRef|never the secret",
      "{\"clientId\":\"b\",\"clientAuth\":\"none\"}|/clientAuth|private_key_jwt",
      "{\"credentialsRef\":\"secret/x\"}|/clientId|required",
      "{\"clientId\":\"b\",\"trustAnchor\":\"http://ta.example.org\"}|/trustAnchor|https",
      "{\"clientId\":\"b\",\"trustAnchor\":\"https://proxy.eduteams.org\"}|/trustAnchor|other than the issuer",
      "{\"clientId\":\"b\",\"scopes\":[\"open id\"]}|/scopes/0|scope"
  })
  void validateWhenRelyingPartyFieldsBadThenRefusedNamingTheField(String extra, String field, String reason) {
    JsonObject body = op().mergeIn(new JsonObject(extra));

    assertThatThrownBy(() -> validator.validate(MemberKind.UPSTREAM_IDP, body))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.reason()).contains(reason);
        });
  }

  @Test
  void validateWhenSamlWithOidcFieldsThenRefused() {
    JsonObject saml = new JsonObject().put("id", "umbrellaid").put("protocol", "saml")
        .put("metadataUrl", "https://umbrellaid.example/md.xml").put("clientId", "x");

    assertThatThrownBy(() -> validator.validate(MemberKind.UPSTREAM_IDP, saml))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/clientId"));
  }
}
