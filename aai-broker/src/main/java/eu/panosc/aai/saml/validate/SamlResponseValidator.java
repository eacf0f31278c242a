package eu.panosc.aai.saml.validate;

import eu.panosc.aai.saml.xml.SamlXml;
import eu.panosc.aai.saml.xml.XmlRefusedException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.core.Response;
import org.w3c.dom.Element;

/**
 * Validates a POSTed {@code SAMLResponse} (HTTP-POST binding: base64 of the XML) against an {@link Expectation}, as a
 * chain of small checks in a fixed order: the parsed document's shape (no wrapping, no unsigned markup; before
 * unmarshalling), status, the Response's IssueInstant, the
 * Response's signature, the one assertion (decrypted if need be), its signature, that something was signed, then
 * issuer, destination, InResponseTo, bearer confirmation, conditions and the authentication statement. Everything read
 * afterwards comes from the assertion the checks accepted. Blocking (parsing and RSA): call it off the event loop.
 * One-time use is the {@link SamlResponseConsumer}'s part.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1</a>
 */
public final class SamlResponseValidator {
  /** The default bound of the POSTed (base64) value: 256 KiB, about ten times a response with 50 attributes. */
  public static final int DEFAULT_MAX_POSTED = 256 * 1024;

  private final int maxPosted;
  private final SamlXml xml;
  private final List<Check> checks;
  private final LoginReader reader = new LoginReader();

  public SamlResponseValidator() {
    this(DEFAULT_MAX_POSTED);
  }

  public SamlResponseValidator(int maxPosted) {
    if (maxPosted < 1024) {
      throw new IllegalArgumentException("maxPosted must be at least 1024 bytes");
    }
    this.maxPosted = maxPosted;
    this.xml = SamlXml.get();
    SignatureVerifier verifier = new SignatureVerifier();
    this.checks = List.of(new StatusCheck(), new IssueInstantCheck(), new ResponseSignatureCheck(verifier),
        new AssertionSelectionCheck(), new AssertionSignatureCheck(verifier), new SignedCheck(), new IssuerCheck(),
        new DestinationCheck(), new InResponseToCheck(), new SubjectConfirmationCheck(), new ConditionsCheck(),
        new AuthnStatementCheck());
  }

  /** Validates the POSTed value (base64, line breaks allowed); throws {@link SamlRejectedException} with the reason. */
  public ValidatedLogin validate(byte[] posted, Expectation expected) {
    Objects.requireNonNull(expected, "expected");
    if (posted == null || posted.length == 0) {
      throw Check.reject(Reason.MALFORMED, "no SAMLResponse was posted");
    }
    if (posted.length > maxPosted) {
      throw Check.reject(Reason.TOO_LARGE, "the SAMLResponse has " + posted.length + " bytes, more than the "
          + maxPosted + " allowed");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(withoutWhitespace(posted));
    } catch (IllegalArgumentException e) {
      throw Check.reject(Reason.NOT_BASE64, "the SAMLResponse is not base64");
    }
    return validateXml(decoded, expected);
  }

  /** Validates the XML itself (already decoded). */
  public ValidatedLogin validateXml(byte[] document, Expectation expected) {
    XMLObject object;
    try {
      Element root = xml.parse(document, maxPosted);
      MarkupCheck.check(root);
      object = xml.unmarshal(root);
    } catch (XmlRefusedException e) {
      throw Check.reject(switch (e.kind()) {
        case TOO_LARGE -> Reason.TOO_LARGE;
        case DOCTYPE -> Reason.DOCTYPE;
        case MALFORMED -> Reason.MALFORMED;
      }, e.getMessage());
    }
    if (!(object instanceof Response response)) {
      throw Check.reject(Reason.MALFORMED, "the SAMLResponse is not a SAML 2.0 protocol Response");
    }
    Inspection in = new Inspection(expected, response);
    for (Check check : checks) {
      check.check(in);
    }
    return reader.read(in);
  }

  private static byte[] withoutWhitespace(byte[] in) {
    byte[] out = new byte[in.length];
    int n = 0;
    for (byte b : in) {
      if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
        out[n++] = b;
      }
    }
    return n == in.length ? in : java.util.Arrays.copyOf(out, n);
  }
}
