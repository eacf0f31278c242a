package eu.panosc.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientSecretsTest {
  @Test
  void matchesWhenSecretHashedThenTrueAndOtherSecretFalse() {
    String secret = ClientSecrets.generate();
    String stored = ClientSecrets.hash(secret);

    assertThat(stored).startsWith("sha256$").doesNotContain(secret);
    assertThat(ClientSecrets.matches(secret, stored)).isTrue();
    assertThat(ClientSecrets.matches(secret + "x", stored)).isFalse();
  }

  @Test
  void hashWhenSameSecretTwiceThenDifferentSalts() {
    assertThat(ClientSecrets.hash("s")).isNotEqualTo(ClientSecrets.hash("s"));
  }

  @Test
  void matchesWhenStoredHashMalformedOrMissingThenFalseNotAnException() {
    assertThat(ClientSecrets.matches("s", null)).isFalse();
    assertThat(ClientSecrets.matches(null, ClientSecrets.hash("s"))).isFalse();
    assertThat(ClientSecrets.matches("s", "")).isFalse();
    assertThat(ClientSecrets.matches("s", "md5$AAAA$AAAA")).isFalse();
    assertThat(ClientSecrets.matches("s", "sha256$not base64!$AAAA")).isFalse();
    assertThat(ClientSecrets.matches("s", "sha256$AAAA$%%%%")).isFalse();
    assertThat(ClientSecrets.matches("s", "sha256$AAAA")).isFalse();
  }
}
