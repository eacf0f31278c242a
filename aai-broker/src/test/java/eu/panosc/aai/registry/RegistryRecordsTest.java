package eu.panosc.aai.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryRecordsTest {
  /** A client document as the registry's read API answers it. */
  static JsonObject clientDoc() {
    return new JsonObject().put("clientId", "scicat").put("facility", "esrf").put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("authMethod", "client_secret_basic")
        .put("redirectUris", new JsonArray().add("https://scicat.esrf.fr/cb"))
        .put("scopes", new JsonArray().add("openid").add("profile"))
        .put("postLogoutRedirectUris", new JsonArray().add("https://scicat.esrf.fr/bye"))
        .put("tokenSigningAlg", "RS256").put("backchannelLogoutUri", "https://scicat.esrf.fr/logout")
        .put("backchannelLogoutSessionRequired", true).put("audience", "https://scicat.esrf.fr/api")
        .put("description", "SciCat at ESRF")
        .put("tokenExchange", new JsonObject().put("audiences", new JsonArray().add("https://data.esrf.fr")))
        .put("state", "approved").put("version", 3);
  }

  @Test
  void clientWhenWellFormedThenEveryFieldRead() {
    RegisteredClient c = RegistryRecords.client(clientDoc());

    assertThat(c).isEqualTo(new RegisteredClient("scicat", "confidential", "esrf",
        List.of("authorization_code", "refresh_token"), "client_secret_basic", List.of("https://scicat.esrf.fr/cb"),
        List.of("openid", "profile"), List.of("https://scicat.esrf.fr/bye"), "RS256", "https://scicat.esrf.fr/logout",
        true, "https://scicat.esrf.fr/api", "SciCat at ESRF", List.of("https://data.esrf.fr")));
    assertThat(c.allows("refresh_token")).isTrue();
    assertThat(c.isPublic()).isFalse();
  }

  @Test
  void clientWhenOptionalFieldsAbsentThenRegistryDefaults() {
    JsonObject doc = clientDoc();
    for (String f : List.of("facility", "redirectUris", "postLogoutRedirectUris", "tokenSigningAlg",
        "backchannelLogoutUri", "backchannelLogoutSessionRequired", "audience", "description", "tokenExchange")) {
      doc.remove(f);
    }

    RegisteredClient c = RegistryRecords.client(doc);

    assertThat(c.facility()).isNull();
    assertThat(c.redirectUris()).isEmpty();
    assertThat(c.postLogoutRedirectUris()).isEmpty();
    assertThat(c.tokenSigningAlg()).isEqualTo("ES256");
    assertThat(c.backchannelLogoutUri()).isNull();
    assertThat(c.backchannelLogoutSessionRequired()).isFalse();
    assertThat(c.audience()).isNull();
    assertThat(c.tokenExchangeAudiences()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"clientId", "type", "grantTypes", "authMethod", "scopes"})
  void clientWhenRequiredFieldMissingThenMalformedNamingIt(String field) {
    JsonObject doc = clientDoc();
    doc.remove(field);

    assertThatThrownBy(() -> RegistryRecords.client(doc)).isInstanceOf(RegistryAnswerException.class)
        .satisfies(e -> assertThat(((RegistryAnswerException) e).field()).isEqualTo(field))
        .hasMessageContaining(field + " is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"clientId", "type", "facility", "grantTypes", "authMethod", "redirectUris", "scopes",
      "postLogoutRedirectUris", "tokenSigningAlg", "backchannelLogoutUri", "backchannelLogoutSessionRequired",
      "audience", "description", "tokenExchange"})
  void clientWhenFieldOfWrongTypeThenMalformedNamingIt(String field) {
    Object current = clientDoc().getValue(field);
    // a number where a string, array, boolean or object belongs
    Object wrong = current instanceof Integer ? "x" : 42;
    JsonObject doc = clientDoc().put(field, wrong);

    assertThatThrownBy(() -> RegistryRecords.client(doc)).isInstanceOf(RegistryAnswerException.class)
        .satisfies(e -> assertThat(((RegistryAnswerException) e).field()).isEqualTo(field));
  }

  @Test
  void clientWhenArrayHoldsANonStringOrEmptyStringThenMalformed() {
    assertThatThrownBy(() -> RegistryRecords.client(clientDoc().put("scopes", new JsonArray().add("openid").add(7))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("scopes");
    assertThatThrownBy(() -> RegistryRecords.client(clientDoc().put("redirectUris", new JsonArray().add(""))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("redirectUris");
    assertThatThrownBy(() -> RegistryRecords.client(clientDoc()
            .put("tokenExchange", new JsonObject().put("audiences", "https://data.esrf.fr"))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("audiences");
  }

  @Test
  void clientWhenUnknownTypeMethodOrAlgorithmThenMalformed() {
    for (Map.Entry<String, String> bad : Map.of("type", "admin", "authMethod", "client_secret_jwt",
        "tokenSigningAlg", "none").entrySet()) {
      assertThatThrownBy(() -> RegistryRecords.client(clientDoc().put(bad.getKey(), bad.getValue())))
          .isInstanceOf(RegistryAnswerException.class).hasMessageContaining(bad.getKey() + " must be one of");
    }
  }

  @Test
  void clientWhenNotAnObjectThenMalformed() {
    assertThatThrownBy(() -> RegistryRecords.client(null)).isInstanceOf(RegistryAnswerException.class);
  }

  @Test
  void credentialsWhenWellFormedThenReadAndSecretHashNotInToString() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    JsonObject doc = new JsonObject().put("clientId", "scicat").put("type", "confidential")
        .put("authMethod", "private_key_jwt").put("secretHash", "sha256$AAAA$BBBB")
        .put("jwks", new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONString()))))
        .put("version", 2);

    ClientCredentials c = RegistryRecords.credentials(doc);

    assertThat(c.authMethod()).isEqualTo("private_key_jwt");
    assertThat(c.secretHash()).isEqualTo("sha256$AAAA$BBBB");
    assertThat(c.jwks().getKeyByKeyId("k1")).isEqualTo(key.toPublicJWK());
    assertThat(c.toString()).doesNotContain("AAAA").doesNotContain("BBBB");
  }

  @Test
  void credentialsWhenSecretHashAndJwksAbsentThenNull() {
    ClientCredentials c = RegistryRecords.credentials(new JsonObject().put("clientId", "cli").put("type", "public")
        .put("authMethod", "none").putNull("secretHash").putNull("jwks"));

    assertThat(c.secretHash()).isNull();
    assertThat(c.jwks()).isNull();
  }

  @Test
  void credentialsWhenFieldMissingWrongOrJwksInvalidThenMalformedWithoutTheValue() throws Exception {
    JsonObject good = new JsonObject().put("clientId", "scicat").put("type", "confidential")
        .put("authMethod", "client_secret_basic").put("secretHash", "sha256$AAAA$BBBB");
    assertThat(RegistryRecords.credentials(good).secretHash()).isEqualTo("sha256$AAAA$BBBB");

    for (String field : List.of("clientId", "type", "authMethod")) {
      JsonObject doc = good.copy();
      doc.remove(field);
      assertThatThrownBy(() -> RegistryRecords.credentials(doc)).isInstanceOf(RegistryAnswerException.class)
          .hasMessageContaining(field);
    }
    assertThatThrownBy(() -> RegistryRecords.credentials(good.copy().put("secretHash", 5)))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("secretHash");
    assertThatThrownBy(() -> RegistryRecords.credentials(good.copy().put("secretHash", new JsonArray().add("s3cr3t"))))
        .isInstanceOf(RegistryAnswerException.class).message().doesNotContain("s3cr3t");
    assertThatThrownBy(() -> RegistryRecords.credentials(good.copy().put("jwks", "keys")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("jwks");
    assertThatThrownBy(() -> RegistryRecords.credentials(good.copy().put("jwks", new JsonObject().put("keys", 1))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("jwks is not a JWK Set");
    ECKey priv = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    assertThatThrownBy(() -> RegistryRecords.credentials(good.copy().put("jwks",
            new JsonObject().put("keys", new JsonArray().add(new JsonObject(priv.toJSONString()))))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("private key");
  }

  @Test
  void facilityWhenWellFormedOrPolicyAbsentThenRead() {
    assertThat(RegistryRecords.facility(new JsonObject().put("id", "esrf").put("name", "ESRF")
        .put("releaseVopersonId", true))).isEqualTo(new Facility("esrf", "ESRF", true));
    assertThat(RegistryRecords.facility(new JsonObject().put("id", "ill")))
        .isEqualTo(new Facility("ill", null, false));
  }

  @Test
  void facilityWhenIdMissingOrPolicyNotBooleanThenMalformed() {
    assertThatThrownBy(() -> RegistryRecords.facility(new JsonObject().put("name", "ESRF")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("id is missing");
    assertThatThrownBy(() -> RegistryRecords.facility(new JsonObject().put("id", "esrf")
        .put("releaseVopersonId", "yes"))).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("releaseVopersonId");
  }

  @Test
  void resourceServerWhenWellFormedThenReadAndWhenAudienceMissingOrScopesWrongThenMalformed() {
    assertThat(RegistryRecords.resourceServer(new JsonObject().put("audience", "https://data.esrf.fr")
        .put("facility", "esrf").put("scopes", new JsonArray().add("data:read"))))
        .isEqualTo(new ResourceServer("https://data.esrf.fr", "esrf", List.of("data:read")));
    assertThatThrownBy(() -> RegistryRecords.resourceServer(new JsonObject().put("facility", "esrf")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("audience is missing");
    assertThatThrownBy(() -> RegistryRecords.resourceServer(new JsonObject().put("audience", "https://a.example")
        .put("scopes", "data:read"))).isInstanceOf(RegistryAnswerException.class).hasMessageContaining("scopes");
  }

  @Test
  void upstreamIdpWhenWellFormedThenAuthoritiesLowerCaseAndWhenMalformedThenRefusedNamingTheField() {
    assertThat(RegistryRecords.upstreamIdp(new JsonObject().put("id", "umbrellaid").put("protocol", "saml")
        .put("metadataUrl", "https://umbrellaid.org/md.xml").put("trustedEntitlementAuthorities",
            new JsonArray().add("UmbrellaID.org").add("eduteams.org"))))
        .isEqualTo(new UpstreamIdp("umbrellaid", "saml", java.util.Set.of("umbrellaid.org", "eduteams.org")));
    assertThat(RegistryRecords.upstreamIdp(new JsonObject().put("id", "edu").put("protocol", "oidc"))
        .trustedEntitlementAuthorities()).isEmpty();
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(new JsonObject().put("id", "x").put("protocol", "ldap")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("protocol");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(new JsonObject().put("id", "x").put("protocol", "saml")
        .put("trustedEntitlementAuthorities", "umbrellaid.org"))).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("trustedEntitlementAuthorities");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(new JsonObject().put("id", "x").put("protocol", "saml")
        .put("trustedEntitlementAuthorities", new JsonArray().add("evil\norg"))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("trustedEntitlementAuthorities")
        .hasMessageNotContaining("evil");
  }

  @Test
  void upstreamIdpWhenOidcWithTheBrokersClientThenItsRelyingPartyAndWhenMalformedThenRefused() {
    JsonObject op = new JsonObject().put("id", "partner").put("protocol", "oidc").put("issuer", "https://op.example")
        .put("displayName", "Partner").put("clientId", "broker").put("clientAuth", "client_secret_post")
        .put("credentialsRef", "secret/partner").put("scopes", new JsonArray().add("openid").add("entitlements"))
        .put("trustAnchor", "https://ta.example");

    UpstreamIdp parsed = RegistryRecords.upstreamIdp(op);

    assertThat(parsed.displayName()).contains("Partner");
    UpstreamIdp.RelyingParty rp = parsed.relyingParty().orElseThrow();
    assertThat(rp.issuer()).hasToString("https://op.example");
    assertThat(rp.clientId()).isEqualTo("broker");
    assertThat(rp.clientAuth()).isEqualTo("client_secret_post");
    assertThat(rp.credentialsRef()).contains("secret/partner");
    assertThat(rp.scopes()).containsExactly("openid", "entitlements");
    assertThat(rp.trustAnchor()).contains(java.net.URI.create("https://ta.example"));
    // without a clientId the OP is no sign-in upstream; without a credentialsRef the broker signs its own assertion
    assertThat(RegistryRecords.upstreamIdp(op.copy().put("clientId", null)).relyingParty()).isEmpty();
    assertThat(RegistryRecords.upstreamIdp(op.copy().put("clientAuth", null).put("credentialsRef", null))
        .relyingParty().orElseThrow().clientAuth()).isEqualTo("private_key_jwt");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(op.copy().put("clientAuth", "none")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("clientAuth");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(op.copy().put("issuer", "ftp://op.example")))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("issuer");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(op.copy().put("issuer", null)))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("issuer");
    assertThatThrownBy(() -> RegistryRecords.upstreamIdp(op.copy().put("scopes", new JsonArray().add("a b"))))
        .isInstanceOf(RegistryAnswerException.class).hasMessageContaining("scopes");
  }
}
