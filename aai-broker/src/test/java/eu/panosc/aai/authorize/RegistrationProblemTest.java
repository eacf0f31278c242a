package eu.panosc.aai.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.register.TermsOfUse;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** What a submitted registration form must hold: a name, an e-mail address, the terms accepted. */
class RegistrationProblemTest {
  private static final TermsOfUse TERMS = new TermsOfUse(URI.create("https://f.example/tou"), "7");

  @Test
  void registrationProblemWhenCompleteThenNone() {
    assertThat(AuthorizationService.registrationProblem("Dave Jensen", "dave@example.org", true, TERMS)).isNull();
    assertThat(AuthorizationService.registrationProblem(" Dave ", " dave@example.org ", true, TERMS)).isNull();
  }

  @Test
  void registrationProblemWhenNameMissingOrNotStorableThenAskForTheName() {
    for (String name : new String[] {null, "", "   ", "D\u0000ave", "x".repeat(257)}) {
      assertThat(AuthorizationService.registrationProblem(name, "dave@example.org", true, TERMS)).as(String.valueOf(
          name)).contains("your name");
    }
  }

  @Test
  void registrationProblemWhenEmailMalformedThenAskForAnAddress() {
    for (String email : new String[] {null, "", "dave", "dave@", "@example.org", "dave@localhost", "a b@example.org",
        "dave@example.org\u0007", "x".repeat(250) + "@e.org"}) {
      assertThat(AuthorizationService.registrationProblem("Dave", email, true, TERMS)).as(String.valueOf(email))
          .contains("e-mail address");
    }
  }

  @Test
  void registrationProblemWhenTermsNotAcceptedThenSaysWhichVersion() {
    assertThat(AuthorizationService.registrationProblem("Dave", "dave@example.org", false, TERMS))
        .contains("terms of use (version 7)");
  }
}
