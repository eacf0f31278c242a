package eu.panosc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Binding and validation of the whole configuration tree into {@link PanoscConfig}. */
class PanoscConfigTest {

  private static PanoscConfig load(String yaml) {
    return new ConfigLoader(Map.of()).loadString(yaml, Map.of());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String yaml, String key) {
    return assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
        .hasMessageStartingWith(key + ": ");
  }

  // --- defaults ------------------------------------------------------------------------------------

  @Test
  void loadStringWhenEmptyThenDefaults() {
    PanoscConfig config = load("");

    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().publicBaseUrl()).isNull();
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.dataDir()).isEqualTo(Path.of("./var"));
    assertThat(config.demo()).isFalse();
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.database().url()).isEmpty();
    assertThat(config.database().poolSize()).isEqualTo(4);
    assertThat(config.database().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.logging().format()).isEqualTo(LoggingConfig.Format.TEXT);
    assertThat(config.logging().level()).isEqualTo("info");
    assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.services()).isEmpty();
  }

  @Test
  void loadStringWhenOnlyCommentsOrEmptySectionsThenDefaults() {
    PanoscConfig config = load("# nothing here\nserver:\ndatabase:\nlogging:\n");

    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.logging().level()).isEqualTo("info");
  }

  @Test
  void loadStringWhenValuesGivenThenBound() {
    PanoscConfig config = load("""
        server:
          host: 127.0.0.1
          port: 9090
          publicBaseUrl: https://panosc.example.org
          shutdownGrace: 45s
        dataDir: /srv/panosc
        demo: true
        database:
          url: postgresql://panosc:pw@db:5432/panosc
          poolSize: 8
          embeddedPort: 15432
        logging:
          format: JSON
          level: DEBUG
        """);

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.server().publicBaseUrl()).isEqualTo(URI.create("https://panosc.example.org"));
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/panosc"));
    assertThat(config.demo()).isTrue();
    assertThat(config.database().embedded()).isFalse();
    assertThat(config.database().url()).map(Secret::value).contains("postgresql://panosc:pw@db:5432/panosc");
    assertThat(config.database().poolSize()).isEqualTo(8);
    assertThat(config.database().embeddedPort()).isEqualTo(15432);
    assertThat(config.logging().format()).isEqualTo(LoggingConfig.Format.JSON);
    assertThat(config.logging().level()).isEqualTo("debug");
  }

  // --- server --------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"abc", "70000", "-1", "80.5"})
  void loadStringWhenPortInvalidThenErrorNamesKeyAndRange(String port) {
    assertRejected("server:\n  port: " + port + "\n", "server.port")
        .hasMessage("server.port: expected an integer between 0 and 65535, got '" + port + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "65535"})
  void loadStringWhenPortAtBoundsThenAccepted(String port) {
    assertThat(load("server:\n  port: " + port + "\n").server().port()).isEqualTo(Integer.parseInt(port));
  }

  @Test
  void loadStringWhenServerIsScalarThenErrorSaysMappingExpected() {
    assertRejected("server: 8080\n", "server").hasMessageContaining("expected a mapping");
  }

  @Test
  void loadStringWhenPortIsListThenErrorSaysSingleValueExpected() {
    assertRejected("server:\n  port: [1, 2]\n", "server.port").hasMessageContaining("expected a single value");
  }

  @Test
  void loadStringWhenShutdownGraceAboveTenMinutesThenError() {
    assertRejected("server:\n  shutdownGrace: 11m\n", "server.shutdownGrace")
        .hasMessage("server.shutdownGrace: expected a duration between 0s and 10m");
  }

  @Test
  void loadStringWhenShutdownGraceNegativeThenError() {
    assertRejected("server:\n  shutdownGrace: PT-1S\n", "server.shutdownGrace")
        .hasMessageContaining("between 0s and 10m");
  }

  @Test
  void loadStringWhenShutdownGraceExactlyTenMinutesThenAccepted() {
    assertThat(load("server:\n  shutdownGrace: 10m\n").server().shutdownGrace()).isEqualTo(Duration.ofMinutes(10));
  }

  @ParameterizedTest
  @CsvSource({
      "https://panosc.example.org/, https://panosc.example.org",
      "https://panosc.example.org/cp///, https://panosc.example.org/cp",
      "http://localhost:8080, http://localhost:8080"})
  void loadStringWhenPublicBaseUrlHasTrailingSlashThenStripped(String given, String expected) {
    PanoscConfig config = load("server:\n  publicBaseUrl: " + given + "\n");

    assertThat(config.server().publicBaseUrl()).isEqualTo(URI.create(expected));
    assertThat(config.server().baseUrl(1234)).isEqualTo(URI.create(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://x", "panosc.example.org", "http://", "mailto:ops@example.org"})
  void loadStringWhenPublicBaseUrlNotHttpThenErrorNamesSchemes(String url) {
    assertRejected("server:\n  publicBaseUrl: \"" + url + "\"\n", "server.publicBaseUrl")
        .hasMessage("server.publicBaseUrl: expected an absolute URL with scheme http or https, got '" + url + "'");
  }

  @Test
  void baseUrlWhenNoPublicBaseUrlThenLocalhostWithActualPort() {
    assertThat(load("server:\n  port: 0\n").server().baseUrl(43210)).isEqualTo(URI.create("http://localhost:43210"));
  }

  // --- unknown keys --------------------------------------------------------------------------------

  @Test
  void loadStringWhenUnknownTopLevelKeyThenErrorNamesKeyAndListsKnownKeys() {
    assertRejected("sever:\n  port: 9090\n", "sever")
        .hasMessage("sever: unknown key; known keys here are "
            + "[auth, dataDir, database, demo, keys, leader, logging, server, services]");
  }

  @Test
  void loadStringWhenUnknownNestedKeyThenErrorNamesDottedKeyAndListsKnownKeys() {
    assertRejected("server:\n  prot: 9090\n", "server.prot")
        .hasMessage("server.prot: unknown key; known keys here are [drainDelay, eventLoops, host, port, publicBaseUrl, shutdownGrace]");
  }

  @Test
  void loadStringWhenUnknownKeyHasNullValueThenStillRejected() {
    assertRejected("logging:\n  colour:\n", "logging.colour").hasMessageContaining("known keys here are [format, level]");
  }

  // --- logging -------------------------------------------------------------------------------------

  @Test
  void loadStringWhenLoggingFormatXmlThenErrorListsFormats() {
    assertRejected("logging:\n  format: xml\n", "logging.format")
        .hasMessage("logging.format: expected one of [text, json], got 'xml'");
  }

  @Test
  void loadStringWhenLoggingLevelVerboseThenErrorListsLevels() {
    assertRejected("logging:\n  level: verbose\n", "logging.level")
        .hasMessage("logging.level: expected one of error, warn, info, debug, trace, got 'verbose'");
  }

  // --- demo ----------------------------------------------------------------------------------------

  @Test
  void loadStringWhenDemoNotBooleanThenError() {
    assertRejected("demo: maybe\n", "demo").hasMessage("demo: expected true or false, got 'maybe'");
  }

  // --- database ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"mysql://admin:hunter2@db/panosc", "jdbc:postgresql://db/panosc?password=hunter2",
      "hunter2"})
  void loadStringWhenDatabaseUrlNotPostgresqlThenErrorDoesNotShowUrl(String url) {
    assertRejected("database:\n  url: \"" + url + "\"\n", "database.url")
        .hasMessageContaining("expected postgresql://")
        .message().doesNotContain(url).doesNotContain("hunter2");
  }

  @Test
  void loadStringWhenDatabaseUrlPostgresSchemeThenAccepted() {
    assertThat(load("database:\n  url: postgres://u:p@h/d\n").database().embedded()).isFalse();
  }

  @Test
  void toStringWhenDatabaseUrlSetThenPasswordRedacted() {
    PanoscConfig config = load("database:\n  url: postgresql://panosc:hunter2@db/panosc\n");

    assertThat(config.database().toString()).doesNotContain("hunter2").contains("[redacted]");
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65"})
  void loadStringWhenPoolSizeOutOfRangeThenError(String size) {
    assertRejected("database:\n  poolSize: " + size + "\n", "database.poolSize")
        .hasMessageContaining("between 1 and 64");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "PT-5S"})
  void loadStringWhenConnectTimeoutNotPositiveThenError(String timeout) {
    assertRejected("database:\n  connectTimeout: " + timeout + "\n", "database.connectTimeout")
        .hasMessageContaining("expected a positive duration");
  }

  // --- auth ----------------------------------------------------------------------------------------

  @Test
  void issuerForWhenAuthNotConfiguredThenDerivedFromBaseUrl() {
    PanoscConfig config = load("server:\n  publicBaseUrl: https://cp.example.org/\n");
    URI base = config.server().baseUrl(8080);

    assertThat(config.auth().issuer()).isEmpty();
    assertThat(config.auth().issuerFor(base)).isEqualTo(URI.create("https://cp.example.org/aai"));
    assertThat(config.auth().jwksFor(base)).isEqualTo(URI.create("https://cp.example.org/aai/jwks"));
  }

  @Test
  void jwksForWhenOnlyIssuerConfiguredThenDerivedFromIssuer() {
    AuthConfig auth = load("auth:\n  issuer: https://idp.example.org/realms/panosc\n").auth();
    URI base = URI.create("http://localhost:8080");

    assertThat(auth.issuerFor(base)).isEqualTo(URI.create("https://idp.example.org/realms/panosc"));
    assertThat(auth.jwksFor(base)).isEqualTo(URI.create("https://idp.example.org/realms/panosc/jwks"));
  }

  @Test
  void jwksForWhenExplicitThenUsedAsIs() {
    AuthConfig auth = load("""
        auth:
          issuer: https://idp.example.org
          jwksUri: https://keys.example.org/certs
          clockSkew: 5s
        """).auth();

    assertThat(auth.issuerFor(URI.create("http://localhost:1"))).isEqualTo(URI.create("https://idp.example.org"));
    assertThat(auth.jwksFor(URI.create("http://localhost:1"))).isEqualTo(URI.create("https://keys.example.org/certs"));
    assertThat(auth.clockSkew()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void loadStringWhenClockSkewAboveFiveMinutesThenError() {
    assertRejected("auth:\n  clockSkew: 6m\n", "auth.clockSkew")
        .hasMessage("auth.clockSkew: expected a duration between 0s and 5m");
  }

  @Test
  void loadStringWhenIssuerNotUrlThenError() {
    assertRejected("auth:\n  issuer: not-a-url\n", "auth.issuer").hasMessageContaining("http or https");
  }

  @Test
  void loadStringWhenUnknownAuthKeyThenError() {
    assertRejected("auth:\n  jwks: https://x\n", "auth.jwks").hasMessageContaining("[clockSkew, issuer, jwksUri]");
  }

  // --- services ------------------------------------------------------------------------------------

  @Test
  void serviceWhenSectionPresentThenNodeReachable() {
    PanoscConfig config = load("""
        services:
          pdp:
            foo: bar
            limit: 7
        """);

    ConfigNode pdp = config.service("pdp");
    assertThat(pdp.path()).isEqualTo("services.pdp");
    assertThat(pdp.string("foo", null)).isEqualTo("bar");
    assertThat(pdp.integer("limit", 0, 0, 10)).isEqualTo(7);
  }

  @Test
  void serviceWhenSectionAbsentThenEmptyNode() {
    ConfigNode none = load("services:\n  pdp:\n    foo: bar\n").service("none");

    assertThat(none.keys()).isEmpty();
    assertThat(none.path()).isEqualTo("services.none");
    assertThat(none.string("foo", "fallback")).isEqualTo("fallback");
  }

  @Test
  void serviceWhenServiceNodeValidatesThenErrorsNameFullKey() {
    ConfigNode pdp = load("services:\n  pdp:\n    limit: lots\n").service("pdp");

    assertThatThrownBy(() -> pdp.integer("limit", 0, 0, 10))
        .isInstanceOf(ConfigException.class)
        .hasMessage("services.pdp.limit: expected an integer between 0 and 10, got 'lots'");
  }

  @Test
  void loadStringWhenServiceSectionIsScalarThenError() {
    assertRejected("services:\n  pdp: on\n", "services.pdp").hasMessageContaining("expected a mapping");
  }
}
