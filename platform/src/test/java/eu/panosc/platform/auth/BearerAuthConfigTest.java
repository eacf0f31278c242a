package eu.panosc.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BearerAuthConfigTest {

  private static final URI JWKS = URI.create("https://aai.panosc.eu/jwks");

  @Test
  void shortConstructorAppliesDefaults() {
    BearerAuthConfig config = new BearerAuthConfig("https://aai.panosc.eu", Set.of("pdp"), JWKS);

    assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.acceptedTypes()).containsExactly("at+jwt");
    assertThat(config.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void typesCompareCaseInsensitivelyWithOptionalApplicationPrefix() {
    BearerAuthConfig config = new BearerAuthConfig("i", Set.of("a"), JWKS, null, Set.of("Application/AT+JWT"), null, null);

    assertThat(config.acceptsType("at+jwt")).isTrue();
    assertThat(config.acceptsType("application/at+JWT")).isTrue();
    assertThat(config.acceptsType("JWT")).isFalse();
    assertThat(config.acceptsType(null)).isFalse();
  }

  @Test
  void rejectsNonHttpJwksUri() {
    assertThatThrownBy(() -> new BearerAuthConfig("i", Set.of("a"), URI.create("ftp://host/jwks")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.jwksUri");
    assertThatThrownBy(() -> new BearerAuthConfig("i", Set.of("a"), URI.create("/relative/jwks")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.jwksUri");
  }

  @Test
  void rejectsMissingIssuerAudiencesAndNegativeDurations() {
    assertThatThrownBy(() -> new BearerAuthConfig(" ", Set.of("a"), JWKS)).hasMessageContaining("auth.issuer");
    assertThatThrownBy(() -> new BearerAuthConfig(null, Set.of("a"), JWKS)).hasMessageContaining("auth.issuer");
    assertThatThrownBy(() -> new BearerAuthConfig("i", Set.of(), JWKS)).hasMessageContaining("auth.audiences");
    BearerAuthConfig config = new BearerAuthConfig("i", Set.of("a"), JWKS);
    assertThatThrownBy(() -> config.withClockSkew(Duration.ofSeconds(-1))).hasMessageContaining("auth.clockSkew");
    assertThatThrownBy(() -> config.withJwksCaching(Duration.ZERO, null)).hasMessageContaining("auth.jwksCacheTtl");
  }
}
