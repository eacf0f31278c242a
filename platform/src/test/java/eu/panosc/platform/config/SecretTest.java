package eu.panosc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretTest {

  @Test
  void toStringWhenCalledThenRedacted() {
    Secret secret = new Secret("postgresql://u:hunter2@db/x");

    assertThat(secret.toString()).isEqualTo("[redacted]");
    assertThat(String.valueOf(Optional.of(secret))).doesNotContain("hunter2");
    assertThat("url=" + secret).isEqualTo("url=[redacted]");
  }

  @Test
  void valueWhenCalledThenOriginal() {
    assertThat(new Secret("s3cret").value()).isEqualTo("s3cret");
  }

  @Test
  void constructorWhenNullThenNpe() {
    assertThatThrownBy(() -> new Secret(null)).isInstanceOf(NullPointerException.class);
  }
}
