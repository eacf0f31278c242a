package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.schema.XSString;

class LoginReaderTest {
  private final LoginReader reader = new LoginReader();

  @Test
  void readWhenAValueHasLineBreaksThenKept() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    XSString value = (XSString) in.assertion().getAttributeStatements().get(0).getAttributes().get(0)
        .getAttributeValues().get(0);
    value.setValue("line one\nline two");

    assertThat(reader.read(in).attributes().get(0).values()).containsExactly("line one\nline two");
  }

  @Test
  void readWhenTheNameIdHasAControlCharacterThenMalformedNamingTheField() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.nameId = "alice\u0085@idp.example.org"));

    assertThat(refused(() -> reader.read(in), Reason.MALFORMED)).contains("NameID");
  }

  @Test
  void readWhenNoNameIdThenNullNameFields() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion().getSubject().setNameID(null);

    ValidatedLogin login = reader.read(in);

    assertThat(login.nameId()).isNull();
    assertThat(login.nameIdFormat()).isNull();
    assertThat(login.assertionId()).isEqualTo(FixtureIdp.valid().assertionId);
  }

  @Test
  void readWhenTheConditionsEndBeforeTheConfirmationThenTheEarlierEnd() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.notOnOrAfter = FixtureIdp.NOW.plusSeconds(120)));

    assertThat(reader.read(in).assertionNotOnOrAfter()).isEqualTo(FixtureIdp.NOW.plusSeconds(120));
  }
}
