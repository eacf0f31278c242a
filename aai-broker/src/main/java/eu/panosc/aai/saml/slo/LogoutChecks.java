package eu.panosc.aai.saml.slo;

import eu.panosc.aai.saml.sp.SamlSubject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The protocol checks of a verified Single Logout message, each on its own (SAML core §3.7, profiles §4.4): addressed
 * to us, fresh, the answer to our request, and which of our sessions a LogoutRequest names. Each throws
 * {@link SloRefusedException} naming the rule.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.7</a>
 */
public final class LogoutChecks {
  /** How old a message may be (IssueInstant), besides the skew. */
  public static final Duration MAX_AGE = Duration.ofMinutes(5);

  private LogoutChecks() {}

  /** Bindings §3.4.5.2, §3.5.5.2: a signed message names its Destination, and it must be our endpoint. */
  public static void destination(LogoutMessage m, String expected) {
    if (!Objects.equals(expected, m.destination())) {
      throw new SloRefusedException(SloReason.DESTINATION, kind(m) + " " + LogoutCodec.printable(m.id()) + " of "
          + LogoutCodec.printable(m.issuer()) + " is addressed to " + LogoutCodec.printable(m.destination())
          + ", not to " + expected);
    }
  }

  /** IssueInstant within {@code MAX_AGE} (plus skew) and not ahead; a request's NotOnOrAfter not passed (§3.7.1). */
  public static void fresh(LogoutMessage m, Instant now, Duration skew) {
    String what = kind(m) + " " + LogoutCodec.printable(m.id()) + " of " + LogoutCodec.printable(m.issuer());
    if (m.issueInstant() == null) {
      throw new SloRefusedException(SloReason.MALFORMED, what + " has no IssueInstant");
    }
    if (m.issueInstant().isAfter(now.plus(skew))) {
      throw new SloRefusedException(SloReason.NOT_YET_VALID, what + " was issued at " + m.issueInstant()
          + ", in the future (now " + now + ")");
    }
    if (m.issueInstant().isBefore(now.minus(MAX_AGE).minus(skew))) {
      throw new SloRefusedException(SloReason.EXPIRED, what + " was issued at " + m.issueInstant() + ", more than "
          + MAX_AGE.toMinutes() + " minutes ago");
    }
    if (m.notOnOrAfter() != null && !now.isBefore(m.notOnOrAfter().plus(skew))) {
      throw new SloRefusedException(SloReason.EXPIRED, what + " was valid until " + m.notOnOrAfter());
    }
  }

  /** A LogoutResponse must answer our LogoutRequest {@code flow} and come from the IdP it was sent to. */
  public static void answers(LogoutMessage m, SamlSessions.LogoutFlow flow) {
    if (m.kind() != LogoutMessage.Kind.RESPONSE) {
      throw new SloRefusedException(SloReason.UNEXPECTED, "a LogoutRequest came with a logout's RelayState");
    }
    if (!flow.idpEntityId().equals(m.issuer())) {
      throw new SloRefusedException(SloReason.IN_RESPONSE_TO, "LogoutResponse " + LogoutCodec.printable(m.id())
          + " comes from " + LogoutCodec.printable(m.issuer()) + ", but our LogoutRequest went to "
          + flow.idpEntityId());
    }
    if (!flow.requestId().equals(m.inResponseTo())) {
      throw new SloRefusedException(SloReason.IN_RESPONSE_TO, "LogoutResponse " + LogoutCodec.printable(m.id())
          + " of " + m.issuer() + " answers " + LogoutCodec.printable(m.inResponseTo()) + ", not our request "
          + flow.requestId());
    }
  }

  /** Whether a LogoutResponse's top-level status is Success. */
  public static boolean succeeded(LogoutMessage m) {
    return "urn:oasis:names:tc:SAML:2.0:status:Success".equals(m.status());
  }

  /**
   * The sessions of {@code candidates} (the live sessions of the request's NameID at its issuer) that the request
   * names (SAML core §3.7.3.1): the NameID's format and qualifiers, where the request gives them, equal what the login
   * said (an absent NameQualifier meaning the IdP, an absent SPNameQualifier our SP); with SessionIndexes only
   * sessions with one of them, without any every session of the subject.
   */
  public static List<SamlSessions.Link> named(LogoutMessage m, List<SamlSessions.Link> candidates, String spEntityId) {
    return candidates.stream().filter(l -> names(m, l.subject(), spEntityId)).toList();
  }

  static boolean names(LogoutMessage m, SamlSubject s, String spEntityId) {
    if (!s.idpEntityId().equals(m.issuer()) || !s.nameId().equals(m.nameId())) {
      return false;
    }
    if (m.nameIdFormat() != null && s.nameIdFormat() != null && !m.nameIdFormat().equals(s.nameIdFormat())) {
      return false;
    }
    if (m.nameQualifier() != null
        && !m.nameQualifier().equals(s.nameQualifier() != null ? s.nameQualifier() : s.idpEntityId())) {
      return false;
    }
    if (m.spNameQualifier() != null
        && !m.spNameQualifier().equals(s.spNameQualifier() != null ? s.spNameQualifier() : spEntityId)) {
      return false;
    }
    return m.sessionIndexes().isEmpty() || s.sessionIndex() != null && m.sessionIndexes().contains(s.sessionIndex());
  }

  private static String kind(LogoutMessage m) {
    return m.kind() == LogoutMessage.Kind.REQUEST ? "LogoutRequest" : "LogoutResponse";
  }
}
