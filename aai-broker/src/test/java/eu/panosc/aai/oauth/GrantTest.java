package eu.panosc.aai.oauth;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrantTest {
  @Test
  void scopeTokensWhenSeparatedBySpacesThenAsSplitOnRunsOfSpaces() {
    for (String scope : List.of("openid", "openid profile", "  openid   profile pdp:evaluate  ", "a  b", " ", "",
        "x y z ")) {
      assertThat(Grant.scopeTokens(scope)).as("'%s'", scope).containsExactly(scope.trim().split(" +"));
    }
    assertThat(Grant.scopeTokens(" openid  pdp:evaluate ")).containsExactly("openid", "pdp:evaluate");
    assertThat(Grant.scopeTokens("   ")).as("blank: one empty token, which no client has").containsExactly("");
  }
}
