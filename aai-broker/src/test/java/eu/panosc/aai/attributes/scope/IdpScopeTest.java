package eu.panosc.aai.attributes.scope;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdpScopeTest {
  @Test
  void matchesWhenLiteralThenWholeDomainIgnoringAsciiCase() {
    IdpScope scope = IdpScope.literal("esrf.fr");

    assertThat(scope.matches("ESRF.fr")).isTrue();
    assertThat(scope.matches("sub.esrf.fr")).isFalse();
    assertThat(scope.matches("esrf.fr.evil.org")).isFalse();
    assertThat(scope.matches("")).isFalse();
  }

  @Test
  void matchesWhenRegexpThenWholeScopeMustMatch() {
    IdpScope scope = IdpScope.regexp("([a-z]+\\.)?ill\\.eu");

    assertThat(scope.matches("www.ill.eu")).isTrue();
    assertThat(scope.matches("ill.eu.evil.org")).isFalse();
  }

  @Test
  void matchesWhenRegexpDoesNotCompileThenNothing() {
    assertThat(IdpScope.regexp("(unclosed").matches("(unclosed")).isFalse();
  }

  @Test
  void scopeOfWhenNotExactlyOneAtWithBothPartsThenEmpty() {
    assertThat(IdpScope.scopeOf("alice@esrf.fr")).contains("esrf.fr");
    assertThat(IdpScope.scopeOf("alice")).isEmpty();
    assertThat(IdpScope.scopeOf("@esrf.fr")).isEmpty();
    assertThat(IdpScope.scopeOf("alice@")).isEmpty();
    assertThat(IdpScope.scopeOf("a@b@esrf.fr")).isEmpty();
    assertThat(IdpScope.scopeMatches("alice@esrf.fr", List.of(IdpScope.literal("esrf.fr")))).isTrue();
    assertThat(IdpScope.scopeMatches("alice@esrf.fr", List.of())).isFalse();
  }
}
