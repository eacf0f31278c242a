package eu.panosc.aai.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code services.aai.termsOfUse}: defaults, values, and refusals naming the key. */
class TermsOfUseTest {
  private static final URI ROOT = URI.create("https://panosc.example/");

  @Test
  void fromWhenAbsentThenDefaultsUnderThePublicRoot() {
    assertThat(TermsOfUse.from(ConfigNode.empty("services.aai.termsOfUse"), ROOT))
        .isEqualTo(new TermsOfUse(URI.create("https://panosc.example/terms-of-use"), "1"));
  }

  @Test
  void fromWhenGivenThenThoseValues() {
    TermsOfUse t = TermsOfUse.from(ConfigNode.of("services.aai.termsOfUse", Map.of("url",
        "https://federation.example/tou", "version", "2031-07")), ROOT);
    assertThat(t).isEqualTo(new TermsOfUse(URI.create("https://federation.example/tou"), "2031-07"));
  }

  @Test
  void fromWhenBadVersionUrlOrUnknownKeyThenConfigExceptionNamingTheKey() {
    assertThatThrownBy(() -> TermsOfUse.from(ConfigNode.of("services.aai.termsOfUse", Map.of("version", "two words")),
        ROOT)).isInstanceOf(ConfigException.class).hasMessageContaining("services.aai.termsOfUse.version");
    assertThatThrownBy(() -> TermsOfUse.from(ConfigNode.of("services.aai.termsOfUse", Map.of("url", "ftp://x/y")),
        ROOT)).isInstanceOf(ConfigException.class).hasMessageContaining("services.aai.termsOfUse.url");
    assertThatThrownBy(() -> TermsOfUse.from(ConfigNode.of("services.aai.termsOfUse", Map.of("verison", "2")), ROOT))
        .isInstanceOf(ConfigException.class).hasMessageContaining("verison");
  }
}
