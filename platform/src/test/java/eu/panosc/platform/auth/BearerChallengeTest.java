package eu.panosc.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerChallengeTest {

  @Test
  void quoteEscapesQuotesAndBackslashesAndNeutralisesControlCharacters() {
    assertThat(BearerChallenge.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(BearerChallenge.quote("x\r\nSet-Cookie: y")).isEqualTo("\"x??Set-Cookie: y\"");
    assertThat(BearerChallenge.quote("é")).isEqualTo("\"?\"");
  }

  @Test
  void invalidTokenChallengeCarriesQuotedDescription() {
    assertThat(BearerChallenge.invalidToken("bad \"thing\"").wwwAuthenticate())
        .isEqualTo("Bearer realm=\"panosc\", error=\"invalid_token\", error_description=\"bad \\\"thing\\\"\"");
  }
}
