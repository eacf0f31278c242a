package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnContextComparisonTypeEnumeration;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.crypto.XMLSigningUtil;

/** Signed HTTP-Redirect AuthnRequests: what they ask for, and that OpenSAML's own verifier accepts the signature. */
class AuthnRequestsTest {
  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final SpEndpoints SP = SpEndpoints.under(URI.create("https://panosc.example/aai"));
  private static final String SSO = "https://idp.example/sso";
  private static final String MFA = "https://refeds.org/profile/mfa";

  private final AuthnRequests requests = new AuthnRequests(SP, TestSamlKeys.signing(),
      Clock.fixed(NOW, ZoneOffset.UTC));

  private static String param(String url, String name) {
    for (String p : URI.create(url).getRawQuery().split("&")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  @Test
  void redirectWhenBuiltThenOpenSamlVerifiesTheQuerySignature() throws Exception {
    AuthnRequests.Redirect redirect = requests.redirect(SSO, List.of(), false, "the-handle");

    assertThat(redirect.url()).startsWith(SSO + "?SAMLRequest=");
    String raw = URI.create(redirect.url()).getRawQuery();
    String signed = raw.substring(0, raw.indexOf("&Signature="));
    byte[] signature = java.util.Base64.getDecoder().decode(
        java.net.URLDecoder.decode(param(redirect.url(), "Signature"), java.nio.charset.StandardCharsets.UTF_8));
    BasicX509Credential verifier = new BasicX509Credential(TestSamlKeys.signing().current().getEntityCertificate());
    assertThat(XMLSigningUtil.verifyWithURI(verifier, RedirectBinding.RSA_SHA256, signature,
        signed.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isTrue();
    BasicX509Credential stranger = new BasicX509Credential(TestSamlKeys.other().current().getEntityCertificate());
    assertThat(XMLSigningUtil.verifyWithURI(stranger, RedirectBinding.RSA_SHA256, signature,
        signed.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isFalse();
  }

  @Test
  void redirectWhenNoAcrThenPlainRequestForOurAcsBoundToItsId() {
    AuthnRequests.Redirect redirect = requests.redirect(SSO, List.of(), false, "the-handle");
    var received = RedirectBinding.parse(URI.create(redirect.url()).getRawQuery(), "SAMLRequest");
    AuthnRequest request = (AuthnRequest) SamlObjects.parse(received.message());

    assertThat(request.getID()).isEqualTo(redirect.requestId()).startsWith("_").hasSize(41);
    assertThat(request.getIssuer().getValue()).isEqualTo("https://panosc.example/aai/saml2/sp/metadata");
    assertThat(request.getDestination()).isEqualTo(SSO);
    assertThat(request.getAssertionConsumerServiceURL()).isEqualTo("https://panosc.example/aai/saml2/sp/acs");
    assertThat(request.getProtocolBinding()).isEqualTo(SAMLConstants.SAML2_POST_BINDING_URI);
    assertThat(request.getIssueInstant()).isEqualTo(NOW);
    assertThat(request.isForceAuthn()).isFalse();
    assertThat(request.getRequestedAuthnContext()).isNull();
    assertThat(request.getSignature()).as("the signature is on the query, not in the XML").isNull();
    assertThat(received.relayState()).isEqualTo("the-handle");
    assertThat(requests.redirect(SSO, List.of(), false, "h").requestId()).isNotEqualTo(redirect.requestId());
  }

  @Test
  void redirectWhenAcrValuesAndPromptLoginThenRequestedAuthnContextAndForceAuthn() {
    AuthnRequests.Redirect redirect = requests.redirect(SSO, List.of(MFA), true, "h");
    AuthnRequest request = (AuthnRequest) SamlObjects.parse(
        RedirectBinding.parse(URI.create(redirect.url()).getRawQuery(), "SAMLRequest").message());

    assertThat(request.isForceAuthn()).isTrue();
    assertThat(request.getRequestedAuthnContext().getComparison())
        .isEqualTo(AuthnContextComparisonTypeEnumeration.EXACT);
    assertThat(request.getRequestedAuthnContext().getAuthnContextClassRefs())
        .extracting(r -> r.getURI()).containsExactly(MFA);
  }

  @Test
  void redirectWhenSsoUrlHasQueryThenParametersAppended() {
    assertThat(requests.redirect(SSO + "?tenant=a", List.of(), false, "h").url())
        .startsWith(SSO + "?tenant=a&SAMLRequest=");
  }
}
