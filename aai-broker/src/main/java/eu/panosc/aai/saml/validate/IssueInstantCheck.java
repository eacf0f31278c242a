package eu.panosc.aai.saml.validate;

import java.time.Duration;
import java.time.Instant;

/**
 * The Response's IssueInstant is present, not in the future and not older than {@link #MAX_AGE} (both with the
 * allowed skew): a Response is posted to us seconds after the IdP made it, so an old one is a replay or a stuck
 * browser, and one from the future means a wrong clock, which would also skew the assertion's own validity window.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.2.2</a>
 */
final class IssueInstantCheck implements Check {
  /** How old a Response may be when it reaches us (the person's trip from the IdP back to us). */
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  @Override
  public void check(Inspection in) {
    String id = MarkupCheck.printable(in.response.getID());
    Instant issued = in.response.getIssueInstant();
    if (issued == null) {
      throw Check.reject(Reason.ISSUE_INSTANT, "Response " + id + " has no IssueInstant");
    }
    Instant now = in.expected.now();
    Duration skew = in.expected.allowedSkew();
    if (issued.isAfter(now.plus(skew))) {
      throw Check.reject(Reason.ISSUE_INSTANT, "Response " + id + " was issued at " + issued + ", in the future (now "
          + now + "; is the IdP's clock or ours wrong?)");
    }
    if (issued.isBefore(now.minus(MAX_AGE).minus(skew))) {
      throw Check.reject(Reason.ISSUE_INSTANT, "Response " + id + " was issued at " + issued + ", more than "
          + MAX_AGE.toMinutes() + " minutes ago (now " + now + "): a replayed or long-delayed answer");
    }
  }
}
