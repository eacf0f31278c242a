package eu.panosc.aai.saml.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.saml.sp.SamlSubject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each protocol check of a verified Single Logout message on its own. */
class LogoutChecksTest {
  private static final String IDP = "https://idp.example/idp";
  private static final String SP = "https://broker.example/aai/saml2/sp/metadata";
  private static final String SLO = "https://broker.example/aai/saml2/sp/slo";
  private static final String PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
  private static final Instant NOW = Instant.parse("2031-07-01T10:00:00Z");
  private static final Duration SKEW = Duration.ofMinutes(2);

  private static LogoutMessage request(String destination, Instant issued, Instant notOnOrAfter, String nameId,
      String format, String nq, String spnq, List<String> indexes) {
    return new LogoutMessage(LogoutMessage.Kind.REQUEST, "_r", IDP, destination, issued, notOnOrAfter, null, null,
        null, nameId, format, nq, spnq, indexes, null);
  }

  private static LogoutMessage request(List<String> indexes) {
    return request(SLO, NOW, null, "alice-pseudo", PERSISTENT, null, null, indexes);
  }

  private static LogoutMessage response(String issuer, String inResponseTo, String status) {
    return new LogoutMessage(LogoutMessage.Kind.RESPONSE, "_resp", issuer, SLO, NOW, null, inResponseTo, status, null,
        null, null, null, null, List.of(), "h");
  }

  private static SloReason reason(Runnable r) {
    try {
      r.run();
      return null;
    } catch (SloRefusedException e) {
      return e.reason();
    }
  }

  @Test
  void destinationWhenOursThenAcceptedOtherwiseOrMissingRefused() {
    assertThatCode(() -> LogoutChecks.destination(request(List.of()), SLO)).doesNotThrowAnyException();
    assertThat(reason(() -> LogoutChecks.destination(request("https://evil.example/slo", NOW, null, "a", null, null,
        null, List.of()), SLO))).isEqualTo(SloReason.DESTINATION);
    assertThat(reason(() -> LogoutChecks.destination(request(null, NOW, null, "a", null, null, null, List.of()), SLO)))
        .isEqualTo(SloReason.DESTINATION);
  }

  @Test
  void freshWhenWithinAgeAndSkewThenAccepted() {
    assertThatCode(() -> LogoutChecks.fresh(request(List.of()), NOW.plus(Duration.ofMinutes(6)), SKEW))
        .doesNotThrowAnyException();
    assertThatCode(() -> LogoutChecks.fresh(request(List.of()), NOW.minus(Duration.ofMinutes(1)), SKEW))
        .as("a minute ahead is within the skew").doesNotThrowAnyException();
  }

  @Test
  void freshWhenTooOldFromTheFutureNotOnOrAfterPassedOrNoInstantThenRefused() {
    assertThat(reason(() -> LogoutChecks.fresh(request(List.of()), NOW.plus(Duration.ofMinutes(8)), SKEW)))
        .isEqualTo(SloReason.EXPIRED);
    assertThat(reason(() -> LogoutChecks.fresh(request(List.of()), NOW.minus(Duration.ofMinutes(3)), SKEW)))
        .isEqualTo(SloReason.NOT_YET_VALID);
    LogoutMessage shortLived = request(SLO, NOW, NOW.plusSeconds(30), "a", null, null, null, List.of());
    assertThat(reason(() -> LogoutChecks.fresh(shortLived, NOW.plus(Duration.ofMinutes(3)), SKEW)))
        .isEqualTo(SloReason.EXPIRED);
    assertThatCode(() -> LogoutChecks.fresh(shortLived, NOW.plus(Duration.ofMinutes(2)), SKEW))
        .doesNotThrowAnyException();
    assertThat(reason(() -> LogoutChecks.fresh(request(SLO, null, null, "a", null, null, null, List.of()), NOW, SKEW)))
        .isEqualTo(SloReason.MALFORMED);
  }

  @Test
  void answersWhenOurRequestFromItsIdpThenAcceptedOtherwiseInResponseTo() {
    var flow = new SamlSessions.LogoutFlow("_ours", IDP, null, null);
    assertThatCode(() -> LogoutChecks.answers(response(IDP, "_ours", SingleLogout.SUCCESS), flow))
        .doesNotThrowAnyException();
    assertThat(reason(() -> LogoutChecks.answers(response(IDP, "_other", SingleLogout.SUCCESS), flow)))
        .isEqualTo(SloReason.IN_RESPONSE_TO);
    assertThat(reason(() -> LogoutChecks.answers(response(IDP, null, SingleLogout.SUCCESS), flow)))
        .isEqualTo(SloReason.IN_RESPONSE_TO);
    assertThat(reason(() -> LogoutChecks.answers(response("https://other.example/idp", "_ours",
        SingleLogout.SUCCESS), flow))).isEqualTo(SloReason.IN_RESPONSE_TO);
    assertThat(reason(() -> LogoutChecks.answers(request(List.of()), flow))).isEqualTo(SloReason.UNEXPECTED);
    assertThat(LogoutChecks.succeeded(response(IDP, "_ours", SingleLogout.REQUESTER))).isFalse();
  }

  @Test
  void namedWhenSessionIndexesGivenThenOnlyThoseSessionsOfTheSubject() {
    var a = new SamlSessions.Link("sid-a", new SamlSubject(IDP, "alice-pseudo", PERSISTENT, IDP, SP, "_s1"));
    var b = new SamlSessions.Link("sid-b", new SamlSubject(IDP, "alice-pseudo", PERSISTENT, IDP, SP, "_s2"));
    var c = new SamlSessions.Link("sid-c", new SamlSubject(IDP, "alice-pseudo", null, null, null, null));

    assertThat(LogoutChecks.named(request(List.of("_s2")), List.of(a, b, c), SP)).containsExactly(b);
    assertThat(LogoutChecks.named(request(List.of()), List.of(a, b, c), SP)).as("no SessionIndex: every session")
        .containsExactly(a, b, c);
    assertThat(LogoutChecks.named(request(List.of("_unknown")), List.of(a, b, c), SP)).isEmpty();
  }

  @Test
  void namedWhenFormatOrQualifiersDifferThenNotThatSession() {
    var a = new SamlSessions.Link("sid-a", new SamlSubject(IDP, "alice-pseudo", PERSISTENT, IDP, SP, "_s1"));
    var noQualifiers = new SamlSessions.Link("sid-n", new SamlSubject(IDP, "alice-pseudo", null, null, null, "_s1"));

    assertThat(LogoutChecks.named(request(SLO, NOW, null, "alice-pseudo",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", null, null, List.of()), List.of(a), SP)).isEmpty();
    assertThat(LogoutChecks.named(request(SLO, NOW, null, "alice-pseudo", PERSISTENT, "https://other.example", null,
        List.of()), List.of(a), SP)).isEmpty();
    assertThat(LogoutChecks.named(request(SLO, NOW, null, "alice-pseudo", PERSISTENT, null, "https://other-sp.example",
        List.of()), List.of(a), SP)).isEmpty();
    assertThat(LogoutChecks.named(request(SLO, NOW, null, "alice-pseudo", PERSISTENT, IDP, SP, List.of("_s1")),
        List.of(noQualifiers), SP)).as("absent qualifiers default to the IdP and our SP").containsExactly(noQualifiers);
    assertThat(LogoutChecks.named(request(SLO, NOW, null, "bob-pseudo", PERSISTENT, null, null, List.of()),
        List.of(a), SP)).isEmpty();
  }
}
