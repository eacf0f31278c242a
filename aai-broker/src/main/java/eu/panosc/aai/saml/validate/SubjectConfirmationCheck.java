package eu.panosc.aai.saml.validate;

import java.time.Instant;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;

/**
 * The assertion has a bearer SubjectConfirmation whose data names our ACS as Recipient, our request as InResponseTo,
 * and a NotOnOrAfter still ahead (NotBefore, if given, already reached), both with the allowed skew. When several
 * bearer confirmations are present one valid one suffices; otherwise the first one's problem is reported.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.2</a>
 */
final class SubjectConfirmationCheck implements Check {
  @Override
  public void check(Inspection in) {
    Subject subject = in.assertion().getSubject();
    String id = MarkupCheck.printable(in.assertion().getID());
    if (subject == null) {
      throw Check.reject(Reason.NO_BEARER, "Assertion " + id + " has no Subject");
    }
    SamlRejectedException first = null;
    for (SubjectConfirmation confirmation : subject.getSubjectConfirmations()) {
      if (!SubjectConfirmation.METHOD_BEARER.equals(confirmation.getMethod())) {
        continue;
      }
      try {
        checkData(confirmation.getSubjectConfirmationData(), in, id);
        return;
      } catch (SamlRejectedException e) {
        first = first == null ? e : first;
      }
    }
    throw first != null ? first
        : Check.reject(Reason.NO_BEARER, "Assertion " + id + " has no bearer SubjectConfirmation");
  }

  private static void checkData(SubjectConfirmationData data, Inspection in, String id) {
    if (data == null) {
      throw Check.reject(Reason.RECIPIENT, "the bearer confirmation of Assertion " + id + " has no data");
    }
    if (!in.expected.acsUrl().equals(data.getRecipient())) {
      throw Check.reject(Reason.RECIPIENT, "the bearer confirmation of Assertion " + id + " names recipient "
          + MarkupCheck.printable(data.getRecipient()) + ", not our ACS " + in.expected.acsUrl());
    }
    if (!in.expected.requestId().equals(data.getInResponseTo())) {
      throw Check.reject(Reason.IN_RESPONSE_TO, "the bearer confirmation of Assertion " + id + " answers request "
          + MarkupCheck.printable(data.getInResponseTo()) + ", not " + in.expected.requestId());
    }
    Instant now = in.expected.now();
    if (data.getNotBefore() != null && now.plus(in.expected.allowedSkew()).isBefore(data.getNotBefore())) {
      throw Check.reject(Reason.NOT_YET_VALID, "the bearer confirmation of Assertion " + id + " is valid only from "
          + data.getNotBefore() + " (now " + now + "; is a clock wrong?)");
    }
    if (data.getNotOnOrAfter() == null) {
      throw Check.reject(Reason.EXPIRED, "the bearer confirmation of Assertion " + id + " has no NotOnOrAfter");
    }
    if (!now.minus(in.expected.allowedSkew()).isBefore(data.getNotOnOrAfter())) {
      throw Check.reject(Reason.EXPIRED, "the bearer confirmation of Assertion " + id + " expired at "
          + data.getNotOnOrAfter() + " (now " + now + ")");
    }
  }
}
