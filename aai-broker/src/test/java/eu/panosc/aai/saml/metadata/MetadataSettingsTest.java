package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.aggregate;
import static eu.panosc.aai.saml.metadata.MetadataFixture.signed;
import static eu.panosc.aai.saml.metadata.MetadataFixture.smallIdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.testing.MutableClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataSettingsTest {
  private static final String PATH = "services.aai.upstreams.umbrellaid.metadata";

  @TempDir
  Path dir;

  private Path certificate() throws Exception {
    return Files.writeString(dir.resolve("federation.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(FEDERATION.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
  }

  private static Optional<MetadataSettings> read(Map<String, Object> values) {
    return MetadataSettings.from(ConfigNode.of(PATH, values));
  }

  @Test
  void absentSectionThenEmpty() {
    assertThat(read(Map.of())).isEmpty();
  }

  @Test
  void mdqWithCertificateThenReadWithDefaults() throws Exception {
    MetadataSettings s = read(Map.of("mdq", "https://panosc.example/registry/mdq", "certificate",
        certificate().toString())).orElseThrow();

    assertThat(s.kind()).isEqualTo(MetadataSettings.Kind.MDQ);
    assertThat(s.location()).contains(URI.create("https://panosc.example/registry/mdq"));
    assertThat(s.certificate()).contains(FEDERATION.certificate());
    assertThat(s.maxBytes()).isEqualTo(MetadataSettings.DEFAULT_MDQ_MAX_BYTES);
    assertThat(s.refresh()).isEqualTo(new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(12)));
    assertThat(s.open(new ScriptedFetcher(), new MutableClock(NOW))).isInstanceOf(MdqMetadataSource.class);
  }

  @Test
  void urlWithBoundsThenRead() throws Exception {
    MetadataSettings s = read(Map.of("url", "https://mds.example.org/feed.xml", "certificate",
        certificate().toString(), "minRefresh", "1m", "maxRefresh", "2h", "maxBytes", 4096, "timeout", "5s"))
        .orElseThrow();

    assertThat(s.kind()).isEqualTo(MetadataSettings.Kind.URL);
    assertThat(s.refresh()).isEqualTo(new RefreshPolicy(Duration.ofMinutes(1), Duration.ofHours(2)));
    assertThat(s.maxBytes()).isEqualTo(4096);
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void fileThenOpenedAndAnswered() throws Exception {
    Path file = Files.write(dir.resolve("idp.xml"),
        signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp("https://a.example.org/idp")), FEDERATION));
    MetadataSettings s = read(Map.of("file", file.toString(), "certificate", certificate().toString()))
        .orElseThrow();

    IdpMetadataSource source = s.open(new ScriptedFetcher(), new MutableClock(NOW));

    assertThat(source.lookup("https://a.example.org/idp").result()).isPresent();
  }

  @Test
  void twoSourcesOrNoneThenRefused() throws Exception {
    assertRefused(Map.of("mdq", "https://a.example/mdq", "url", "https://a.example/feed"), PATH, "exactly one");
    assertRefused(Map.of("certificate", certificate().toString()), PATH, "exactly one");
  }

  @Test
  void badValuesThenRefusedNamingTheKey() throws Exception {
    String cert = certificate().toString();
    assertRefused(Map.of("url", "https://a.example/feed"), PATH + ".certificate", "is required");
    assertRefused(Map.of("url", "ftp://a.example/feed", "certificate", cert), PATH + ".url", "http");
    assertRefused(Map.of("url", "https://a.example/feed", "certificate", dir.resolve("none.pem").toString()),
        PATH + ".certificate", "cannot read");
    Path notPem = Files.writeString(dir.resolve("bad.pem"), "not a certificate");
    assertRefused(Map.of("url", "https://a.example/feed", "certificate", notPem.toString()), PATH + ".certificate",
        "no PEM X.509 certificate");
    assertRefused(Map.of("file", dir.resolve("missing.xml").toString()), PATH + ".file", "cannot read");
    assertRefused(Map.of("mdq", "https://a.example/mdq", "certificate", cert, "minRefresh", "2h", "maxRefresh", "1h"),
        PATH + ".maxRefresh", "minRefresh");
    assertRefused(Map.of("mdq", "https://a.example/mdq", "certificate", cert, "negativeCacheTtl", "2h"),
        PATH + ".negativeCacheTtl", "expected a duration");
    Map<String, Object> typo = new HashMap<>(Map.of("mdq", "https://a.example/mdq", "certificate", cert));
    typo.put("certficate", cert);
    assertThatThrownBy(() -> ConfigNode.of("services.aai.upstreams.umbrellaid", Map.of("metadata", typo))
        .read("metadata", MetadataSettings::from)).isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo(PATH + ".certficate"));
  }

  private static void assertRefused(Map<String, Object> values, String key, String message) {
    assertThatThrownBy(() -> read(values)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.key()).isEqualTo(key)).hasMessageContaining(message);
  }
}
