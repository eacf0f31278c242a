package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.bytes;
import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.jdkVerifies;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class MdqTest {
  private static final String IDP = "https://idp.esrf.fr/idp/shibboleth";
  private static final String SP = "https://sp.psi.ch/shibboleth";

  private final AtomicReference<Instant> now = new AtomicReference<>(SamlFixtures.NOW);
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);
  private final XmlSigning signing = SamlFixtures.signing("registry");
  private final Mdq mdq = new Mdq(signing,
      new MetadataAggregate(signing, new MetadataAggregate.Settings("https://registry.panosc.eu/metadata",
          Duration.ofDays(7), Duration.ofHours(6))),
      new Mdq.Settings(Duration.ofDays(7), Duration.ofHours(1), Duration.ofMinutes(5)), clock);

  private final SamlEntity idp = parser.parse(bytes(idp(IDP)));
  private final SamlEntity sp = parser.parse(bytes(sp(SP)));

  @Test
  void lookupWhenEntityIdOrSha1ThenSameSignedDocument() {
    mdq.update(List.of(idp, sp));
    String sha1 = SamlEntity.sha1Id(IDP);

    MdqResponse byId = mdq.lookup(IDP).orElseThrow();
    MdqResponse bySha1 = mdq.lookup(sha1).orElseThrow();
    MdqResponse byUpperSha1 = mdq.lookup("{sha1}" + sha1.substring(6).toUpperCase()).orElseThrow();

    assertThat(sha1).matches("\\{sha1}[0-9a-f]{40}");
    assertThat(bySha1.body()).isEqualTo(byId.body());
    assertThat(bySha1.etag()).isEqualTo(byId.etag()).matches("\"[A-Za-z0-9_-]{43}\"");
    assertThat(byUpperSha1.etag()).isEqualTo(byId.etag());
    assertThat(byId.contentType()).isEqualTo("application/samlmetadata+xml");
    assertThat(byId.cacheControl()).isEqualTo("max-age=3600");
  }

  @Test
  void lookupWhenFoundThenSingleEntitySignedAndJdkVerifies() {
    mdq.update(List.of(idp, sp));

    byte[] body = mdq.lookup(SP).orElseThrow().body();

    assertThat(jdkVerifies(body, signing.certificate().getPublicKey())).isTrue();
    Element root = SamlFixtures.parse(body).getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("EntityDescriptor");
    assertThat(root.getAttribute("entityID")).isEqualTo(SP);
    assertThat(root.getAttribute("validUntil")).isEqualTo("2026-03-08T12:00:00Z");
    assertThat(root.getAttribute("cacheDuration")).isEqualTo("PT1H");
    assertThat(root.getFirstChild().getLocalName()).isEqualTo("Signature");
    String tampered = new String(body, java.nio.charset.StandardCharsets.UTF_8).replace("Paul", "Saul");
    assertThat(jdkVerifies(tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        signing.certificate().getPublicKey())).isFalse();
  }

  @Test
  void lookupWhenSetUpdatedWithUnchangedEntityThenSameBytesAndEtag() {
    mdq.update(List.of(idp, sp));
    MdqResponse before = mdq.lookup(IDP).orElseThrow();
    now.set(now.get().plusSeconds(60));

    mdq.update(List.of(parser.parse(bytes(idp(IDP))), sp, parser.parse(bytes(sp("urn:mace:ill.eu:sp")))));

    MdqResponse after = mdq.lookup(IDP).orElseThrow();
    assertThat(after.etag()).isEqualTo(before.etag());
    assertThat(after.body()).isEqualTo(before.body());
  }

  @Test
  void lookupWhenEntityChangedThenNewEtag() {
    mdq.update(List.of(idp, sp));
    MdqResponse before = mdq.lookup(IDP).orElseThrow();

    mdq.update(List.of(parser.parse(bytes(idp(IDP).replace("ESRF users", "ESRF visitors"))), sp));

    MdqResponse after = mdq.lookup(IDP).orElseThrow();
    assertThat(after.etag()).isNotEqualTo(before.etag());
    assertThat(new String(after.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("ESRF visitors");
  }

  @Test
  void lookupWhenHalfTheValidityPassedThenResigned() {
    mdq.update(List.of(idp));
    MdqResponse first = mdq.lookup(IDP).orElseThrow();

    now.set(now.get().plus(Duration.ofDays(3)));
    assertThat(mdq.lookup(IDP).orElseThrow().etag()).isEqualTo(first.etag());
    now.set(now.get().plus(Duration.ofDays(1)));

    MdqResponse resigned = mdq.lookup(IDP).orElseThrow();
    assertThat(resigned.etag()).isNotEqualTo(first.etag());
    assertThat(resigned.validUntil()).isEqualTo(Instant.parse("2026-03-12T12:00:00Z"));
  }

  @Test
  void lookupWhenUnknownThenEmpty() {
    mdq.update(List.of(idp));

    assertThat(mdq.lookup("https://unknown.example.org/idp")).isEmpty();
    assertThat(mdq.lookup("{sha1}0000000000000000000000000000000000000000")).isEmpty();
    assertThat(mdq.lookup("")).isEmpty();
    assertThat(mdq.lookup(SP)).isEmpty();
    assertThat(mdq.notFoundCacheControl()).isEqualTo("max-age=300");
  }

  @Test
  void lookupWhenEntityRemovedThenEmpty() {
    mdq.update(List.of(idp, sp));
    assertThat(mdq.lookup(SP)).isPresent();

    mdq.update(List.of(idp));

    assertThat(mdq.lookup(SP)).isEmpty();
    assertThat(mdq.lookup(SamlEntity.sha1Id(SP))).isEmpty();
  }

  @Test
  void notModifiedWhenIfNoneMatchCarriesEtagThenTrue() {
    mdq.update(List.of(idp));
    MdqResponse r = mdq.lookup(IDP).orElseThrow();

    assertThat(r.notModified(r.etag(), false)).isTrue();
    assertThat(r.notModified("\"other\", W/" + r.etag(), false)).isTrue();
    assertThat(r.notModified("*", false)).isTrue();
    assertThat(r.notModified(r.etag(), true)).isFalse();
    assertThat(r.notModified(r.gzipEtag(), true)).isTrue();
    assertThat(r.notModified("\"other\"", false)).isFalse();
    assertThat(r.notModified(null, false)).isFalse();
  }

  @Test
  void gzipBodyWhenDecompressedThenBody() throws Exception {
    mdq.update(List.of(idp));
    MdqResponse r = mdq.lookup(IDP).orElseThrow();

    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(r.gzipBody())).readAllBytes();

    assertThat(unzipped).isEqualTo(r.body());
    assertThat(r.gzipEtag()).isNotEqualTo(r.etag());
  }

  @Test
  void lookupAllWhenEntitiesThenSignedAggregateCachedUntilSetChanges() {
    assertThat(mdq.lookupAll()).isEmpty();
    mdq.update(List.of(sp, idp));

    MdqResponse all = mdq.lookupAll().orElseThrow();

    assertThat(jdkVerifies(all.body(), signing.certificate().getPublicKey())).isTrue();
    assertThat(new String(all.body(), java.nio.charset.StandardCharsets.UTF_8).indexOf(IDP))
        .isLessThan(new String(all.body(), java.nio.charset.StandardCharsets.UTF_8).indexOf(SP));
    now.set(now.get().plusSeconds(60));
    mdq.update(List.of(idp, sp));
    assertThat(mdq.lookupAll().orElseThrow().etag()).isEqualTo(all.etag());
    mdq.update(List.of(idp));
    assertThat(mdq.lookupAll().orElseThrow().etag()).isNotEqualTo(all.etag());
  }
}
