package eu.panosc.aai.saml.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.saml.sp.SamlMessageException;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.sp.SpMetadata;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the demo IdP reads from an SP's metadata, and metadata it cannot use. */
class KnownSpTest {
  private static final SpEndpoints SP = SpEndpoints.under(URI.create("https://panosc.example/aai"));

  @Test
  void fromMetadataWhenOurSpThenEntityAcsSigningAndCurrentEncryptionKey() {
    KnownSp sp = KnownSp.fromMetadata(new SpMetadata(SP, TestSamlKeys.signing(), TestSamlKeys.encryption(),
        List.of(), "security@panosc.example", Clock.systemUTC()).signedXml());

    assertThat(sp.entityId()).isEqualTo(SP.entityId());
    assertThat(sp.assertionConsumer()).isEqualTo(SP.assertionConsumer());
    assertThat(sp.signing()).containsExactlyElementsOf(TestSamlKeys.signing().published());
    assertThat(sp.encryption()).contains(TestSamlKeys.encryption().current().getEntityCertificate());
  }

  @Test
  void fromMetadataWhenNoSpRoleOrNotMetadataOrDoctypeThenRefused() {
    String idpOnly = """
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example">
        <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
         Location="https://idp.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>""";
    assertThatThrownBy(() -> KnownSp.fromMetadata(idpOnly)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no SAML 2.0 SPSSODescriptor");
    assertThatThrownBy(() -> KnownSp.fromMetadata("<a xmlns=\"urn:x\"/>")).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> KnownSp.fromMetadata("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        + "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&e;\"/>"))
        .isInstanceOf(SamlMessageException.class).hasMessageContaining("DTD");
  }
}
