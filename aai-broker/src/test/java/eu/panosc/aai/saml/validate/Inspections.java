package eu.panosc.aai.saml.validate;

import eu.panosc.aai.saml.xml.SamlXml;
import org.opensaml.saml.saml2.core.Response;

/** Test helper: the {@link Inspection} a check sees, made from fixture XML (parsed and unmarshalled as in production). */
final class Inspections {
  private Inspections() {}

  /** The Response of {@code spec}, its plain assertion selected. */
  static Inspection of(FixtureIdp.Spec spec) {
    return of(FixtureIdp.xml(spec), FixtureIdp.expectation());
  }

  static Inspection of(FixtureIdp.Spec spec, Expectation expected) {
    return of(FixtureIdp.xml(spec), expected);
  }

  static Inspection of(byte[] xml, Expectation expected) {
    try {
      Response response = (Response) SamlXml.get().unmarshal(xml, 1 << 20);
      Inspection in = new Inspection(expected, response);
      if (!response.getAssertions().isEmpty()) {
        in.assertion = response.getAssertions().get(0);
      }
      return in;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
