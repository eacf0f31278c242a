package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.bytes;
import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryFeedTest {
  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);

  @Test
  void renderWhenIdpsAndSpsThenOnlyIdpsInDiscojsonFormat() {
    SamlEntity esrf = parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth")));
    SamlEntity psi = parser.parse(bytes(sp("https://sp.psi.ch/shibboleth")));

    JsonArray feed = DiscoveryFeed.render(List.of(psi, esrf));

    assertThat(feed).hasSize(1);
    assertThat(feed.getJsonObject(0)).isEqualTo(new JsonObject()
        .put("entityID", "https://idp.esrf.fr/idp/shibboleth")
        .put("entity_id", "https://idp.esrf.fr/idp/shibboleth")
        .put("title", "European Synchrotron Radiation Facility")
        .put("title_langs", new JsonObject()
            .put("en", "European Synchrotron Radiation Facility")
            .put("fr", "Installation européenne de rayonnement synchrotron"))
        .put("descr", "ESRF users & staff")
        .put("descr_langs", new JsonObject().put("en", "ESRF users & staff"))
        .put("auth", "saml")
        .put("type", "idp")
        .put("hidden", "false")
        .put("registrationAuthority", "https://www.panosc.eu/federation")
        .put("entity_category", new JsonArray().add("http://refeds.org/category/research-and-scholarship"))
        .put("assurance_certification", new JsonArray().add("https://refeds.org/sirtfi"))
        .put("entity_icon_url", new JsonObject()
            .put("url", "https://www.esrf.fr/logo.png").put("width", "80").put("height", "60"))
        .put("scope", "esrf.fr"));
  }

  @Test
  void renderWhenHiddenAndMinimalIdpThenHiddenTrueAndOptionalKeysAbsent() {
    String minimal = """
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute"
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" entityID="https://idp.ill.eu/idp">
          <md:Extensions><mdattr:EntityAttributes>
            <saml:Attribute Name="http://macedir.org/entity-category">
              <saml:AttributeValue>http://refeds.org/category/hide-from-discovery</saml:AttributeValue>
            </saml:Attribute>
          </mdattr:EntityAttributes></md:Extensions>
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                Location="https://idp.ill.eu/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    JsonObject entry = DiscoveryFeed.render(List.of(parser.parse(bytes(minimal)))).getJsonObject(0);

    assertThat(entry.getString("title")).isEqualTo("https://idp.ill.eu/idp");
    assertThat(entry.getString("hidden")).isEqualTo("true");
    assertThat(entry.fieldNames()).doesNotContain(
        "descr", "title_langs", "registrationAuthority", "assurance_certification", "entity_icon_url", "scope");
  }

  @Test
  void toJsonWhenRenderedThenUtf8JsonArray() {
    SamlEntity esrf = parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth")));

    String json = new String(DiscoveryFeed.toJson(List.of(esrf)), StandardCharsets.UTF_8);

    assertThat(new JsonArray(json)).isEqualTo(DiscoveryFeed.render(List.of(esrf)));
    assertThat(json).startsWith("[{\"entityID\":\"https://idp.esrf.fr/idp/shibboleth\"").contains("européenne");
  }
}
