package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.jdkSign;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AggregateImportTest {
  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);
  private final X509Certificate upstream = SamlFixtures.certificate("upstream");

  /** An eduGAIN-like feed: namespaces declared on the root, a nested group, an http entityID, one bad entity. */
  private static String feed(String validUntil) {
    String idp = idp("https://idp.esrf.fr/idp/shibboleth").replaceFirst("<\\?xml[^>]*>", "");
    return """
        <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" Name="urn:mace:example:upstream" validUntil="%s">
          %s
          <md:EntitiesDescriptor Name="nested">
            <md:EntityDescriptor entityID="http://idp.legacy.example.org/idp">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">Legacy</mdui:DisplayName></mdui:UIInfo></md:Extensions>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                    Location="http://idp.legacy.example.org/sso"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            <md:EntityDescriptor entityID="https://broken.example.org/idp"/>
          </md:EntitiesDescriptor>
          %s
        </md:EntitiesDescriptor>
        """.formatted(validUntil, idp, sp("https://sp.psi.ch/shibboleth"));
  }

  private byte[] signedFeed(String validUntil, String signer) {
    return jdkSign(feed(validUntil), "_feed1", SamlFixtures.privateKey(signer), SamlFixtures.certificate(signer));
  }

  @Test
  void parseAggregateWhenSignedByPinnedKeyThenEntitiesReturned() {
    SamlMetadataParser.ImportedAggregate imported =
        parser.parseAggregate(signedFeed("2026-03-10T00:00:00Z", "upstream"), upstream);

    assertThat(imported.name()).contains("urn:mace:example:upstream");
    assertThat(imported.validUntil()).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
    assertThat(imported.entities()).extracting(SamlEntity::entityId).containsExactly(
        "https://idp.esrf.fr/idp/shibboleth", "http://idp.legacy.example.org/idp", "https://sp.psi.ch/shibboleth");
    assertThat(imported.rejected()).containsExactly("https://broken.example.org/idp: entity "
        + "https://broken.example.org/idp has no role: it needs an IDPSSODescriptor, SPSSODescriptor or "
        + "AttributeAuthorityDescriptor");
    // the namespace declared only on the upstream root travels with the entity
    SamlEntity legacy = imported.entities().get(1);
    assertThat(legacy.displayName()).isEqualTo("Legacy");
    assertThat(parser.parseAggregate(
        new MetadataAggregate(SamlFixtures.signing("registry"), new MetadataAggregate.Settings(
            "x", java.time.Duration.ofDays(1), java.time.Duration.ofHours(1)))
            .build(imported.entities(), SamlFixtures.NOW),
        SamlFixtures.certificate("registry")).entities()).isEqualTo(imported.entities());
  }

  @Test
  void parseAggregateWhenUnsignedThenRejected() {
    byte[] unsigned = feed("2026-03-10T00:00:00Z").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> parser.parseAggregate(unsigned, upstream))
        .isInstanceOf(MetadataException.class)
        .hasMessage("the aggregate is not signed");
  }

  @Test
  void parseAggregateWhenSignedByOtherKeyThenRejected() {
    byte[] wrongKey = signedFeed("2026-03-10T00:00:00Z", "other");

    assertThatThrownBy(() -> parser.parseAggregate(wrongKey, upstream))
        .isInstanceOf(MetadataException.class)
        .hasMessage("the aggregate's signature does not verify with the pinned certificate");
  }

  @Test
  void parseAggregateWhenTamperedThenRejected() {
    String signed = new String(signedFeed("2026-03-10T00:00:00Z", "upstream"), StandardCharsets.UTF_8);
    byte[] tampered = signed.replace("https://sp.example.org/acs", "https://evil.example/acs").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> parser.parseAggregate(tampered, upstream))
        .isInstanceOf(MetadataException.class)
        .hasMessage("the aggregate's signature does not verify with the pinned certificate");
  }

  @Test
  void parseAggregateWhenExpiredThenRejected() {
    byte[] expired = signedFeed("2026-03-01T11:00:00Z", "upstream");

    assertThatThrownBy(() -> parser.parseAggregate(expired, upstream))
        .hasMessage("the aggregate expired: validUntil 2026-03-01T11:00:00Z is in the past");
  }

  @Test
  void parseAggregateWhenSingleEntityThenRejected() {
    byte[] single = SamlFixtures.bytes(sp("https://sp.psi.ch/shibboleth"));

    assertThatThrownBy(() -> parser.parseAggregate(single, upstream))
        .hasMessage("an aggregate must be an md:EntitiesDescriptor, not {urn:oasis:names:tc:SAML:2.0:metadata}EntityDescriptor");
  }
}
