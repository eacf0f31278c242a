package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.IDP_ENCRYPTION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.IDP_SIGNING;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.OTHER;
import static eu.panosc.aai.saml.metadata.MetadataFixture.aggregate;
import static eu.panosc.aai.saml.metadata.MetadataFixture.bytes;
import static eu.panosc.aai.saml.metadata.MetadataFixture.idp;
import static eu.panosc.aai.saml.metadata.MetadataFixture.signed;
import static eu.panosc.aai.saml.metadata.MetadataFixture.smallIdp;
import static eu.panosc.aai.saml.metadata.MetadataFixture.sp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

class MetadataReaderTest {
  private static final String IDP = "https://idp.example.org/idp/shibboleth";
  private final MetadataReader reader = new MetadataReader(1 << 20);

  @Test
  void signedAggregateWhenReadThenIdpFieldsAreIndexed() throws Exception {
    byte[] doc = signed(aggregate("2031-05-08T00:00:00Z", "PT6H", idp(IDP, null), sp("https://sp.example.org")),
        FEDERATION);

    MetadataDocument d = reader.read(doc, Optional.of(FEDERATION.certificate()), NOW);

    assertThat(d.byEntityId()).containsOnlyKeys(IDP);
    IdpMetadata m = d.byEntityId().get(IDP);
    assertThat(m.signingCertificates()).containsExactly(IDP_SIGNING.certificate());
    assertThat(m.encryptionCertificates()).containsExactly(IDP_ENCRYPTION.certificate());
    assertThat(m.singleSignOn()).isEqualTo(Map.of(IdpMetadata.Binding.REDIRECT, "https://idp.example.org/sso/redirect",
        IdpMetadata.Binding.POST, "https://idp.example.org/sso/post"));
    assertThat(m.singleLogout()).isEqualTo(Map.of(IdpMetadata.Binding.REDIRECT, "https://idp.example.org/slo/redirect"));
    assertThat(m.scopes()).containsExactly(new IdpMetadata.Scope("example.org", false),
        new IdpMetadata.Scope("^.+\\.example\\.org$", true));
    assertThat(m.nameIdFormats()).containsExactly("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient");
    assertThat(m.entityAttributes()).containsEntry("urn:oasis:names:tc:SAML:attribute:assurance-certification",
        List.of("https://refeds.org/sirtfi", "https://refeds.org/assurance"));
    assertThat(m.displayName()).contains("Example University");
    assertThat(m.validUntil()).isEqualTo(Instant.parse("2031-05-08T00:00:00Z"));
    assertThat(m.cacheDuration()).contains(Duration.ofHours(6));
  }

  @Test
  void keyWithoutUseWhenReadThenServesForSigningAndEncryption() throws Exception {
    MetadataDocument d = reader.read(bytes(smallIdp(IDP)), Optional.empty(), NOW);

    IdpMetadata m = d.byEntityId().get(IDP);
    assertThat(m.signingCertificates()).containsExactly(IDP_SIGNING.certificate());
    assertThat(m.encryptionCertificates()).containsExactly(IDP_SIGNING.certificate());
    assertThat(m.displayName()).isEmpty();
    assertThat(m.validUntil()).isEqualTo(Instant.MAX);
  }

  @Test
  void entityValidUntilEarlierThanAggregateWhenReadThenEntityExpiresFirst() throws Exception {
    String entity = idp(IDP, "2031-05-02T00:00:00Z");
    MetadataDocument d = reader.read(signed(aggregate("2031-05-08T00:00:00Z", null, entity), FEDERATION),
        Optional.of(FEDERATION.certificate()), NOW);

    assertThat(d.byEntityId().get(IDP).validUntil()).isEqualTo(Instant.parse("2031-05-02T00:00:00Z"));
    assertThat(d.find(IDP, Instant.parse("2031-05-02T00:00:00Z"))).isEmpty();
    assertThat(d.find(IDP, Instant.parse("2031-05-01T23:59:59Z"))).isPresent();
  }

  @Test
  void idpListedTwiceThenLeftOutAndNamed() throws Exception {
    MetadataDocument d = reader.read(signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP), smallIdp(IDP),
        smallIdp("https://b.example.org/idp")), FEDERATION), Optional.of(FEDERATION.certificate()), NOW);

    assertThat(d.byEntityId()).containsOnlyKeys("https://b.example.org/idp");
    assertThat(d.duplicates()).containsExactly(IDP);
  }

  @Test
  void unsignedDocumentWhenKeyPinnedThenRefused() {
    assertRefused(bytes(aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP))), MetadataRefusedException.Kind.UNSIGNED,
        "not signed");
  }

  @Test
  void signedEntityWrappedInUnsignedAggregateThenRefused() {
    String signedEntity = new String(signed(smallIdp(IDP).replace(" entityID=",
        " validUntil=\"2031-05-08T00:00:00Z\" entityID="), FEDERATION), StandardCharsets.UTF_8)
        .replaceFirst("^<\\?xml[^>]*>", "");
    byte[] wrapped = bytes(aggregate("2031-05-08T00:00:00Z", null, signedEntity, smallIdp("https://evil.example/idp")));

    assertRefused(wrapped, MetadataRefusedException.Kind.UNSIGNED, "not signed");
  }

  @Test
  void documentSignedByAnotherKeyThenRefused() {
    assertRefused(signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP)), OTHER),
        MetadataRefusedException.Kind.SIGNATURE_INVALID, "pinned certificate");
  }

  @Test
  void signedDocumentAlteredAfterSigningThenRefused() {
    String s = new String(signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP)), FEDERATION),
        StandardCharsets.UTF_8);
    byte[] altered = bytes(s.replace(IDP + "/sso", "https://attacker.example/sso"));

    assertRefused(altered, MetadataRefusedException.Kind.SIGNATURE_INVALID, "pinned certificate");
  }

  @Test
  void sha1SignatureOrDigestThenRefused() {
    String doc = aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP));
    assertRefused(signed(doc, FEDERATION, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA1,
        SignatureConstants.ALGO_ID_DIGEST_SHA256), MetadataRefusedException.Kind.SIGNATURE_INVALID, "rsa-sha1");
    assertRefused(signed(doc, FEDERATION, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256,
        SignatureConstants.ALGO_ID_DIGEST_SHA1), MetadataRefusedException.Kind.SIGNATURE_INVALID, "digest");
  }

  @Test
  void expiredDocumentThenRefused() {
    assertRefused(signed(aggregate("2031-05-01T09:59:59Z", null, smallIdp(IDP)), FEDERATION),
        MetadataRefusedException.Kind.EXPIRED, "expired at 2031-05-01T09:59:59Z");
  }

  @Test
  void signedDocumentWithoutValidUntilThenRefused() {
    assertRefused(signed(aggregate(null, null, smallIdp(IDP)), FEDERATION), MetadataRefusedException.Kind.EXPIRED,
        "no validUntil");
  }

  @Test
  void doctypeThenRefusedBeforeParsing() {
    byte[] doc = bytes("<!DOCTYPE x [<!ENTITY a \"b\">]>" + aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP)));
    assertRefused(doc, MetadataRefusedException.Kind.DOCTYPE, "document type");
  }

  @Test
  void oversizedDocumentThenRefused() {
    MetadataReader small = new MetadataReader(100);
    assertThatThrownBy(() -> small.read(signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp(IDP)), FEDERATION),
        Optional.of(FEDERATION.certificate()), NOW))
        .isInstanceOfSatisfying(MetadataRefusedException.class,
            e -> assertThat(e.kind()).isEqualTo(MetadataRefusedException.Kind.TOO_LARGE))
        .hasMessageContaining("100 allowed");
  }

  @Test
  void notMetadataThenRefused() {
    assertRefused(bytes("<x xmlns=\"urn:example\"/>"), MetadataRefusedException.Kind.MALFORMED, "");
    assertRefused(bytes("<md:EntitiesDescriptor"), MetadataRefusedException.Kind.MALFORMED, "not well-formed");
  }

  private void assertRefused(byte[] doc, MetadataRefusedException.Kind kind, String message) {
    assertThatThrownBy(() -> reader.read(doc, Optional.of(FEDERATION.certificate()), NOW))
        .isInstanceOfSatisfying(MetadataRefusedException.class, e -> assertThat(e.kind()).isEqualTo(kind))
        .hasMessageContaining(message);
  }
}
