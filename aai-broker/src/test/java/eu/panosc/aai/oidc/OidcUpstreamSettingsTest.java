package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import eu.panosc.aai.AaiSettings;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code services.aai.upstreams.<id>.oidc}: the ready profiles, defaults, and every refusal naming its key. */
class OidcUpstreamSettingsTest {
  private static final URI ROOT = URI.create("https://panosc.example.org");

  private static AaiSettings read(Map<String, Object> upstream) {
    return AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams", Map.of("eduteams", upstream))), ROOT);
  }

  @Test
  void fromWhenEduteamsProfileWithOnlyClientIdAndSecretThenItsIssuerClaimsUserIdAndAuthorities() {
    AaiSettings s = read(Map.of("oidc", Map.of("profile", "eduteams", "clientId", "panosc", "clientSecret", "s3")));

    OidcUpstreamSettings o = s.oidcUpstreams().get("eduteams");
    assertThat(o.issuerId()).isEqualTo("https://proxy.eduteams.org");
    assertThat(o.displayName()).isEqualTo("eduTEAMS");
    assertThat(o.scopes()).contains("openid", "eduperson_entitlement", "voperson_id");
    assertThat(o.clientAuth()).isEqualTo(OidcUpstreamSettings.ClientAuth.CLIENT_SECRET_BASIC);
    assertThat(o.algorithms()).doesNotContain(JWSAlgorithm.HS256).contains(JWSAlgorithm.RS256);
    assertThat(o.exchangeAudiences()).containsExactly("panosc");
    assertThat(o.tokenExchange()).isTrue();
    UpstreamAttributeSettings a = s.upstreams().get("eduteams");
    assertThat(a.protocol()).isEqualTo(UpstreamAttributes.Protocol.OIDC);
    assertThat(a.userId()).containsExactly(UserIdSource.VOPERSON_ID, UserIdSource.OIDC_SUB);
    assertThat(a.trustedEntitlementAuthorities()).containsExactly("eduteams.org");
    assertThat(s.upstreamMetadata()).isEmpty();
  }

  @Test
  void fromWhenMyaccessidProfileThenItsIssuer() {
    AaiSettings s = read(Map.of("oidc", Map.of("profile", "myaccessid", "clientId", "panosc", "clientAuth",
        "private_key_jwt")));

    assertThat(s.oidcUpstreams().get("eduteams").issuerId()).isEqualTo("https://proxy.myaccessid.org");
    assertThat(s.oidcUpstreams().get("eduteams").clientSecret()).isEmpty();
    assertThat(s.oidcUpstreams().get("eduteams").clientAuth())
        .isEqualTo(OidcUpstreamSettings.ClientAuth.PRIVATE_KEY_JWT);
  }

  @Test
  void fromWhenUserIdAndAuthoritiesGivenThenTheyWinOverTheProfile() {
    AaiSettings s = read(Map.of("oidc", Map.of("profile", "eduteams", "clientId", "panosc", "clientSecret", "s3"),
        "attributes", Map.of("userId", "sub", "trustedEntitlementAuthorities", "example.org")));

    assertThat(s.upstreams().get("eduteams").userId()).containsExactly(UserIdSource.OIDC_SUB);
    assertThat(s.upstreams().get("eduteams").trustedEntitlementAuthorities()).containsExactly("example.org");
  }

  @Test
  void fromWhenEverythingGivenWithoutProfileThenRead() {
    AaiSettings s = read(Map.of("oidc", Map.of("issuer", "http://127.0.0.1:8080/realms/x", "clientId", "c",
        "clientSecret", "s", "clientAuth", "client_secret_post", "scopes", "profile", "algorithms", "ES256",
        "exchangeAudiences", "facility-api", "logout", false, "skew", "30s")));

    OidcUpstreamSettings o = s.oidcUpstreams().get("eduteams");
    assertThat(o.scopes()).containsExactly("openid", "profile");
    assertThat(o.algorithms()).containsExactly(JWSAlgorithm.ES256);
    assertThat(o.exchangeAudiences()).containsExactly("facility-api");
    assertThat(o.logout()).isFalse();
    assertThat(o.skew().toSeconds()).isEqualTo(30);
    assertThat(o.displayName()).isEqualTo("127.0.0.1");
    assertThat(o.introspection()).as("opaque tokens are not sent to an OP unless asked").isFalse();
  }

  @Test
  void fromWhenIntrospectionOnThenReadAndRefusedWithoutTokenExchange() {
    assertThat(read(Map.of("oidc", Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s",
        "introspection", true))).oidcUpstreams().get("eduteams").introspection()).isTrue();
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "introspection", true,
        "tokenExchange", false), "oidc.introspection", "tokenExchange");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "introspection", true,
        "exchangeAudiences", List.of()), "oidc.introspection", "exchangeAudiences");
  }

  private static void refused(Map<String, Object> oidc, String key, String text) {
    assertThatThrownBy(() -> read(Map.of("oidc", oidc))).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.getMessage()).contains(key).contains(text);
    });
  }

  @Test
  void fromWhenBadValuesThenRefusedNamingKeyAndFix() {
    refused(Map.of("profile", "edugain", "clientId", "c"), "services.aai.upstreams.eduteams.oidc.profile",
        "eduteams or myaccessid");
    refused(Map.of("clientId", "c", "clientSecret", "s"), "oidc.issuer", "required");
    refused(Map.of("issuer", "http://op.example.org", "clientId", "c", "clientSecret", "s"), "oidc.issuer",
        "https");
    refused(Map.of("issuer", "https://op.example.org?x=1", "clientId", "c", "clientSecret", "s"), "oidc.issuer",
        "without query");
    refused(Map.of("profile", "eduteams", "clientSecret", "s"), "oidc.clientId", "required");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientAuth", "client_secret_basic"),
        "oidc.clientSecret", "required");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "clientAuth", "tls"),
        "oidc.clientAuth", "private_key_jwt");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "algorithms", "HS256"),
        "oidc.algorithms", "asymmetric");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "algorithms", "none"),
        "oidc.algorithms", "asymmetric");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "skew", "1h"), "oidc.skew",
        "duration");
    refused(Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s", "clientSecrt", "x"),
        "oidc.clientSecrt", "unknown key");
  }

  @Test
  void fromWhenSamlMetadataAndOidcBothThenRefused() {
    assertThatThrownBy(() -> read(Map.of("oidc", Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s"),
        "metadata", Map.of("url", "https://mds.example.org/md.xml", "certificate", "/nonexistent.pem"))))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void fromWhenAttributesSaySamlThenRefused() {
    assertThatThrownBy(() -> read(Map.of("oidc", Map.of("profile", "eduteams", "clientId", "c", "clientSecret", "s"),
        "attributes", Map.of("protocol", "saml")))).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.getMessage()).contains("attributes.protocol").contains("oidc"));
  }

  @Test
  void toStringWhenSecretConfiguredThenSecretNotShown() {
    OidcUpstreamSettings o = TestOp.settings(Map.of("clientSecret", "very-secret-value"));

    assertThat(o.toString()).doesNotContain("very-secret-value");
    assertThat(Set.of(o.clientSecret().orElseThrow().value())).containsExactly("very-secret-value");
  }

  @Test
  void fromWhenTrustAnchorThenReadAndWhenBadThenTheKeyNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    assertThat(TestOp.settings().trustAnchor()).isEmpty();
    var anchored = TestOp.settings(Map.of("trustAnchor", "https://ta.example.org/"));
    assertThat(anchored.trustAnchor().orElseThrow().entityId()).isEqualTo("https://ta.example.org");
    assertThat(anchored.trustAnchor().orElseThrow().keys()).isEmpty();

    java.nio.file.Path jwks = dir.resolve("ta.jwks");
    java.nio.file.Files.writeString(jwks, new com.nimbusds.jose.jwk.JWKSet(TestOp.EC.toPublicJWK()).toString());
    assertThat(TestOp.settings(Map.of("trustAnchor", "https://ta.example.org", "trustAnchorJwks", jwks.toString()))
        .trustAnchor().orElseThrow().keys().orElseThrow().getKeys()).hasSize(1);

    java.nio.file.Path secret = dir.resolve("private.jwks");
    java.nio.file.Files.writeString(secret, new com.nimbusds.jose.jwk.JWKSet(TestOp.EC).toString(false));
    assertThatThrownBy(() -> TestOp.settings(Map.of("trustAnchor", "https://ta.example.org", "trustAnchorJwks",
        secret.toString()))).isInstanceOf(ConfigException.class).hasMessageContaining("trustAnchorJwks")
        .hasMessageContaining("public keys");
    assertThatThrownBy(() -> TestOp.settings(Map.of("trustAnchor", "http://ta.example.org")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("oidc.trustAnchor");
    assertThatThrownBy(() -> TestOp.settings(Map.of("trustAnchor", TestOp.ISSUER)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("other than the issuer");
    assertThatThrownBy(() -> TestOp.settings(Map.of("trustAnchorJwks", jwks.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("only with trustAnchor");
  }

  @Test
  void fromWhenAutomaticRegistrationThenNoClientCredentialsAndWhenMisusedThenRefused() {
    Map<String, Object> auto = Map.of("issuer", TestOp.ISSUER, "trustAnchor", "https://ta.example.org",
        "registration", "automatic");
    OidcUpstreamSettings s = OidcUpstreamSettings.from("op", ConfigNode.of("services.aai.upstreams.op.oidc", auto));
    assertThat(s.automaticRegistration()).isTrue();
    assertThat(s.clientAuth()).isEqualTo(OidcUpstreamSettings.ClientAuth.PRIVATE_KEY_JWT);
    assertThat(s.withClientId("https://panosc.example.org/aai").clientId()).isEqualTo("https://panosc.example.org/aai");
    assertThat(TestOp.settings().automaticRegistration()).isFalse();

    assertThatThrownBy(() -> TestOp.settings(Map.of("registration", "automatic"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("oidc.registration").hasMessageContaining("trustAnchor");
    assertThatThrownBy(() -> TestOp.settings(Map.of("registration", "automatic", "trustAnchor",
        "https://ta.example.org"))).isInstanceOf(ConfigException.class).hasMessageContaining("leave out clientId");
    assertThatThrownBy(() -> TestOp.settings(Map.of("registration", "explicit"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("oidc.registration");
  }
}
