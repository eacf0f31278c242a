package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class IssuerCheckTest {
  private final IssuerCheck check = new IssuerCheck();

  @Test
  void checkWhenBothIssuersAreTheIdpThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenTheUnsignedResponseNamesNoIssuerThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.responseIssuer = null))))
        .doesNotThrowAnyException();
  }

  @Test
  void checkWhenASignedResponseNamesNoIssuerThenIssuer() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.responseIssuer = null));
    in.responseSigned = true;

    refused(() -> check.check(in), Reason.ISSUER);
  }

  @Test
  void checkWhenTheAssertionIssuerIsAnotherIdpThenIssuerNamingBoth() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.assertionIssuer = "https://evil.example.org"));

    assertThat(refused(() -> check.check(in), Reason.ISSUER)).contains("https://evil.example.org", FixtureIdp.IDP);
  }

  @Test
  void checkWhenTheAssertionNamesNoIssuerThenIssuer() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.assertionIssuer = null))),
        Reason.ISSUER);
  }

  @Test
  void checkWhenTheIssuerHasAnotherFormatThenIssuer() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion().getIssuer().setFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");

    refused(() -> check.check(in), Reason.ISSUER);
  }
}
