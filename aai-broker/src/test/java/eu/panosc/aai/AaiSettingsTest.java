package eu.panosc.aai;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AaiSettingsTest {
  private static final URI ROOT = URI.create("https://cp.example/");

  private static AaiSettings read(Map<String, Object> values) {
    return AaiSettings.from(ConfigNode.of("services.aai", values), ROOT);
  }

  @Test
  void fromWhenSectionEmptyThenDefaults() {
    AaiSettings s = read(Map.of());

    assertThat(s.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.refreshTokenLifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(s.sessionLifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(s.tokenRatePerSecond()).isEqualTo(1000);
    assertThat(s.tokenBurst()).isEqualTo(2000);
    assertThat(s.registryUrl()).isEqualTo(URI.create("https://cp.example/registry"));
    assertThat(s.deviceCodeLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.devicePollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.purgeInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.backchannelLogoutTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.backchannelLogoutAttempts()).isEqualTo(8);
    assertThat(s.backchannelLogoutPoll()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.backchannelLogoutRetryDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.trustAnchor()).isEqualTo(URI.create("https://cp.example/registry"));
  }

  @Test
  void fromWhenEveryKeySetThenReadsThem() {
    AaiSettings s = read(Map.ofEntries(Map.entry("accessTokenLifetime", "30m"),
        Map.entry("refreshTokenLifetime", "1d"), Map.entry("sessionLifetime", "2h"),
        Map.entry("tokenRatePerSecond", 5), Map.entry("tokenBurst", "10"),
        Map.entry("registryUrl", "http://registry.internal:8080/registry"),
        Map.entry("deviceCodeLifetime", "5m"), Map.entry("devicePollInterval", "2s"),
        Map.entry("purgeInterval", "1s"), Map.entry("backchannelLogoutTimeout", "3s"),
        Map.entry("backchannelLogoutAttempts", "30"), Map.entry("backchannelLogoutPoll", "200ms"),
        Map.entry("backchannelLogoutRetryDelay", "PT0.2S"), Map.entry("trustAnchor", "https://ta.example/fed")));

    assertThat(s).isEqualTo(new AaiSettings(Duration.ofMinutes(30), Duration.ofDays(1), Duration.ofHours(2), 5, 10,
        URI.create("http://registry.internal:8080/registry"), Duration.ofMinutes(5), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(3), 30, Duration.ofMillis(200), Duration.ofMillis(200),
        URI.create("https://ta.example/fed")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "accessTokenLifetime|5 minutes|expected a duration such as",
      "accessTokenLifetime|0s|expected a duration from 1s to 1d",
      "accessTokenLifetime|2d|expected a duration from 1s to 1d",
      "refreshTokenLifetime|30s|expected a duration from 1m to 365d",
      "sessionLifetime|31d|expected a duration from 1m to 30d",
      "tokenRatePerSecond|0|expected an integer between 1 and 1000000",
      "tokenBurst|many|expected an integer between 1 and 1000000",
      "registryUrl|ftp://registry.example|expected an absolute URL with scheme http or https",
      "registryUrl|/registry|expected an absolute URL with scheme http or https",
      "deviceCodeLifetime|10s|expected a duration from 1m to 1d",
      "devicePollInterval|500ms|expected a duration from 1s to 1m",
      "devicePollInterval|1500ms|expected whole seconds",
      "purgeInterval|0s|expected a duration from 1s to 1d",
      "backchannelLogoutTimeout|2m|expected a duration from 100ms to 1m",
      "backchannelLogoutAttempts|51|expected an integer between 1 and 50",
      "backchannelLogoutPoll|10ms|expected a duration from 100ms to 1h",
      "backchannelLogoutRetryDelay|2h|expected a duration from 100ms to 1h",
      "trustAnchor|ftp://ta.example|expected an absolute URL with scheme http or https",
      "trustAnchor|https://ta.example/fed?x=1|expected an Entity Identifier (a URL without query or fragment)",
      "trustAnchor|https://ta.example/fed#top|expected an Entity Identifier (a URL without query or fragment)"})
  void fromWhenValueBadThenNamesKeyAndFix(String key, String value, String fix) {
    assertThatThrownBy(() -> read(Map.of(key, value)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("services.aai." + key))
        .hasMessageContaining(fix);
  }

  @Test
  void fromWhenKeyUnknownThenRefusedNamingKnownKeys() {
    assertThatThrownBy(() -> read(Map.of("acessTokenLifetime", "10m")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.acessTokenLifetime"))
        .hasMessageContaining("unknown key").hasMessageContaining("accessTokenLifetime");
  }

  private static AaiSettings readUpstream(Map<String, Object> attributes) {
    return AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams", Map.of("umbrellaid",
        Map.of("attributes", attributes)))), ROOT, eu.panosc.aai.attributes.SatosaCorpus.reader());
  }

  @Test
  void fromWhenUpstreamWithSatosaFilesThenReadAndChecked() {
    String corpus = eu.panosc.aai.attributes.SatosaCorpus.dir().toString();
    AaiSettings s = readUpstream(Map.of("internalAttributes", corpus + "/internal_attributes.yaml",
        "processors", java.util.List.of(corpus + "/filter_attributes.yaml", corpus + "/hasher.yaml"),
        "required", java.util.List.of("mail"), "userId", java.util.List.of("eduPersonUniqueId", "persistentNameId"),
        "trustedEntitlementAuthorities", java.util.List.of("umbrellaid.org")));

    var u = s.upstreams().get("umbrellaid");
    assertThat(u.userId()).extracting(Enum::name).containsExactly("EDUPERSON_UNIQUE_ID", "PERSISTENT_NAME_ID");
    assertThat(u.processors()).hasSize(2);
    assertThat(u.trustedEntitlementAuthorities()).containsExactly("umbrellaid.org");
  }

  @Test
  void fromWhenUpstreamAttributesKeyMisspeltThenRefusedNamingIt() {
    assertThatThrownBy(() -> readUpstream(Map.of("requried", java.util.List.of("mail"))))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.upstreams.umbrellaid.attributes.requried"))
        .hasMessageContaining("unknown key");
  }

  @Test
  void fromWhenUpstreamFileBrokenThenRefusedNamingFileAndLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("internal.yaml"),
        "attributes:\n  mail: {saml: [mail]}\nuser_id_to_atr: mail\n");

    assertThatThrownBy(() -> readUpstream(Map.of("internalAttributes", file.toString())))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.upstreams.umbrellaid.attributes"))
        .hasMessageContaining("internal.yaml line 3").hasMessageContaining("unknown key 'user_id_to_atr'");
    assertThatThrownBy(() -> readUpstream(Map.of("processors", java.util.List.of(dir.resolve("absent.yaml").toString()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("absent.yaml: cannot be read");
  }

  @Test
  void fromWhenUserIdIsEmailThenRefusedWithReason() {
    assertThatThrownBy(() -> readUpstream(Map.of("userId", java.util.List.of("mail"))))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.upstreams.umbrellaid.attributes.userId"))
        .hasMessageContaining("e-mail addresses are reassigned");
  }

  @Test
  void fromWhenUpstreamIdMalformedOrProtocolUnknownThenRefused() {
    assertThatThrownBy(() -> AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams",
        Map.of("Umbrella ID", Map.of()))), ROOT)).isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.upstreams.Umbrella ID"));
    assertThatThrownBy(() -> readUpstream(Map.of("protocol", "ws-fed")))
        .hasMessageContaining("expected saml or oidc");
  }

  @Test
  void fromWhenUpstreamWithoutAttributesSectionThenBuiltInDefaults() {
    AaiSettings s = AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams", Map.of("umbrellaid",
        Map.of()))), ROOT);

    assertThat(s.upstreams().get("umbrellaid").internalAttributes()).isEmpty();
    assertThat(s.upstreams().get("umbrellaid").userId()).hasSize(5);
  }

  @Test
  void fromWhenUpstreamMetadataFileThenReadIntoUpstreamMetadata(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("idp.xml"), "<x/>");
    AaiSettings s = AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams", Map.of("umbrellaid",
        Map.of("metadata", Map.of("file", file.toString())), "other", Map.of()))), ROOT);

    assertThat(s.upstreamMetadata()).containsOnlyKeys("umbrellaid");
    assertThat(s.upstreamMetadata().get("umbrellaid").kind())
        .isEqualTo(eu.panosc.aai.saml.metadata.MetadataSettings.Kind.FILE);
  }

  @Test
  void fromWhenUpstreamMetadataUrlWithoutCertificateThenRefusedNamingTheKey() {
    assertThatThrownBy(() -> AaiSettings.from(ConfigNode.of("services.aai", Map.of("upstreams", Map.of("umbrellaid",
        Map.of("metadata", Map.of("mdq", "https://panosc.example/registry/mdq"))))), ROOT))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("services.aai.upstreams.umbrellaid.metadata.certificate"))
        .hasMessageContaining("pinned");
  }
}
