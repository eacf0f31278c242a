package eu.panosc.aai.saml.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.saml.sp.RedirectBinding;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Reading Single Logout messages: what verifies under the issuer's metadata keys is read into plain values over both
 * bindings; unsigned, foreign-key, unknown-issuer, tampered, DTD-carrying and ambiguous messages are refused, each
 * with its reason.
 */
class LogoutCodecTest {
  private static final String IDP = "https://idp.example/idp";
  private static final String SLO = "https://broker.example/aai/saml2/sp/slo";
  private static final Instant NOW = Instant.parse("2031-07-01T10:00:00Z");
  private static final SamlSubject SUBJECT = new SamlSubject(IDP, "pseudo-123",
      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", IDP, "https://broker.example/aai/saml2/sp/metadata",
      "_sess1");

  private static Function<String, Optional<List<X509Certificate>>> keys() {
    Map<String, List<X509Certificate>> known = Map.of(IDP, TestSamlKeys.signing().published());
    return issuer -> Optional.ofNullable(known.get(issuer));
  }

  private static String query(String url) {
    return url.substring(url.indexOf('?') + 1);
  }

  @Test
  void redirectWhenRequestSignedByTheIssuersKeyThenReadWithSubjectAndRelayState() {
    String url = LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r1", "relay-1", TestSamlKeys.signing().current(),
        NOW, Duration.ofMinutes(5));

    LogoutMessage m = LogoutCodec.redirect(query(url), keys());

    assertThat(url).startsWith(SLO + "?SAMLRequest=");
    assertThat(m.kind()).isEqualTo(LogoutMessage.Kind.REQUEST);
    assertThat(m.id()).isEqualTo("_r1");
    assertThat(m.issuer()).isEqualTo(IDP);
    assertThat(m.destination()).isEqualTo(SLO);
    assertThat(m.issueInstant()).isEqualTo(NOW);
    assertThat(m.notOnOrAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    assertThat(m.nameId()).isEqualTo("pseudo-123");
    assertThat(m.nameIdFormat()).isEqualTo(SUBJECT.nameIdFormat());
    assertThat(m.nameQualifier()).isEqualTo(IDP);
    assertThat(m.spNameQualifier()).isEqualTo(SUBJECT.spNameQualifier());
    assertThat(m.sessionIndexes()).containsExactly("_sess1");
    assertThat(m.relayState()).isEqualTo("relay-1");
  }

  @Test
  void redirectWhenResponseSignedThenReadWithStatusAndInResponseTo() {
    String url = LogoutCodec.redirectResponse(SLO, IDP, "_req9", SingleLogout.SUCCESS, LogoutCodec.PARTIAL_LOGOUT,
        "h", TestSamlKeys.signing().current(), NOW);

    LogoutMessage m = LogoutCodec.redirect(query(url), keys());

    assertThat(m.kind()).isEqualTo(LogoutMessage.Kind.RESPONSE);
    assertThat(m.inResponseTo()).isEqualTo("_req9");
    assertThat(m.status()).isEqualTo(SingleLogout.SUCCESS);
    assertThat(m.subStatus()).isEqualTo(LogoutCodec.PARTIAL_LOGOUT);
    assertThat(LogoutChecks.succeeded(m)).isTrue();
  }

  @Test
  void redirectWhenUnsignedThenUnsigned() {
    String q = query(LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r2", null, TestSamlKeys.signing().current(),
        NOW, Duration.ofMinutes(5)));
    String unsigned = q.substring(0, q.indexOf("&SigAlg="));

    assertThatThrownBy(() -> LogoutCodec.redirect(unsigned, keys())).isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.UNSIGNED);
  }

  @Test
  void redirectWhenSignedWithAForeignKeyThenSignatureInvalid() {
    String q = query(LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r3", null, TestSamlKeys.other().current(), NOW,
        Duration.ofMinutes(5)));

    assertThatThrownBy(() -> LogoutCodec.redirect(q, keys()))
        .isInstanceOf(SloRefusedException.class).hasMessageContaining("does not verify")
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.SIGNATURE_INVALID);
  }

  @Test
  void redirectWhenRelayStateChangedAfterSigningThenSignatureInvalid() {
    String q = query(LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r4", "aaa", TestSamlKeys.signing().current(),
        NOW, Duration.ofMinutes(5)));

    assertThatThrownBy(() -> LogoutCodec.redirect(q.replace("RelayState=aaa", "RelayState=bbb"), keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.SIGNATURE_INVALID);
  }

  @Test
  void redirectWhenIssuerUnknownThenUnknownIssuerBeforeAnyKeyIsTried() {
    String q = query(LogoutCodec.redirectRequest(SLO, "https://evil.example/idp", SUBJECT, "_r5", null,
        TestSamlKeys.other().current(), NOW, Duration.ofMinutes(5)));

    assertThatThrownBy(() -> LogoutCodec.redirect(q, keys())).isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.UNKNOWN_ISSUER);
  }

  @Test
  void redirectWhenNeitherOrBothMessagesOrGarbageThenMalformed() {
    for (String q : List.of("", "RelayState=x", "SAMLRequest=a&SAMLResponse=b", "SAMLRequest=bm90IGRlZmxhdGU%3D",
        "SAMLRequest=" + RedirectBinding.encode("<a><b></a>"))) {
      assertThatThrownBy(() -> LogoutCodec.redirect(q, keys())).as(q).isInstanceOf(SloRefusedException.class)
          .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.MALFORMED);
    }
    assertThatThrownBy(() -> LogoutCodec.redirect(null, keys())).isInstanceOf(SloRefusedException.class);
  }

  @Test
  void redirectWhenDoctypeThenRefusedBeforeParsing() {
    String xxe = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><samlp:LogoutRequest "
        + "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\">&e;</samlp:LogoutRequest>";
    assertThatThrownBy(() -> LogoutCodec.redirect("SAMLRequest=" + java.net.URLEncoder.encode(
        RedirectBinding.encode(xxe), StandardCharsets.UTF_8), keys())).isInstanceOf(SloRefusedException.class)
        .hasMessageContaining("document type").extracting(e -> ((SloRefusedException) e).reason())
        .isEqualTo(SloReason.MALFORMED);
  }

  @Test
  void redirectWhenNotALogoutMessageThenUnexpected() {
    String authn = "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a\" "
        + "Version=\"2.0\" IssueInstant=\"2031-07-01T10:00:00Z\"/>";
    assertThatThrownBy(() -> LogoutCodec.redirect("SAMLRequest=" + java.net.URLEncoder.encode(
        RedirectBinding.encode(authn), StandardCharsets.UTF_8), keys())).isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.UNEXPECTED);
  }

  @Test
  void postWhenEnvelopedSignatureVerifiesThenRead() {
    String posted = LogoutCodec.postRequest(SLO, IDP, SUBJECT, "_p1", TestSamlKeys.signing().current(), NOW,
        Duration.ofMinutes(5));

    LogoutMessage m = LogoutCodec.post("SAMLRequest", posted, "rs", keys());

    assertThat(m.id()).isEqualTo("_p1");
    assertThat(m.nameId()).isEqualTo("pseudo-123");
    assertThat(m.relayState()).isEqualTo("rs");
  }

  @Test
  void postWhenSignedByForeignKeyTamperedOrUnsignedThenRefused() {
    String foreign = LogoutCodec.postRequest(SLO, IDP, SUBJECT, "_p2", TestSamlKeys.other().current(), NOW,
        Duration.ofMinutes(5));
    assertThatThrownBy(() -> LogoutCodec.post("SAMLRequest", foreign, null, keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.SIGNATURE_INVALID);

    String xml = new String(Base64.getDecoder().decode(LogoutCodec.postRequest(SLO, IDP, SUBJECT, "_p3",
        TestSamlKeys.signing().current(), NOW, Duration.ofMinutes(5))), StandardCharsets.UTF_8);
    String tampered = Base64.getEncoder().encodeToString(xml.replace("pseudo-123", "someone-else")
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> LogoutCodec.post("SAMLRequest", tampered, null, keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.SIGNATURE_INVALID);

    String unsigned = Base64.getEncoder().encodeToString(xml.replaceAll("(?s)<ds:Signature.*</ds:Signature>", "")
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> LogoutCodec.post("SAMLRequest", unsigned, null, keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.UNSIGNED);
  }

  @Test
  void postWhenParameterDoesNotMatchTheMessageOrNotBase64ThenRefused() {
    String request = LogoutCodec.postRequest(SLO, IDP, SUBJECT, "_p4", TestSamlKeys.signing().current(), NOW,
        Duration.ofMinutes(5));
    assertThatThrownBy(() -> LogoutCodec.post("SAMLResponse", request, null, keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.UNEXPECTED);
    assertThatThrownBy(() -> LogoutCodec.post("SAMLRequest", "%%%not base64", null, keys()))
        .isInstanceOf(SloRefusedException.class)
        .extracting(e -> ((SloRefusedException) e).reason()).isEqualTo(SloReason.MALFORMED);
    assertThatThrownBy(() -> LogoutCodec.post("SAMLRequest", request, "r".repeat(81), keys()))
        .isInstanceOf(SloRefusedException.class).hasMessageContaining("80 bytes");
  }
}
