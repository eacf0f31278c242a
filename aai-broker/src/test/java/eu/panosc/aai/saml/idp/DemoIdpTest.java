package eu.panosc.aai.saml.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.saml.sp.AuthnRequests;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlObjects;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.sp.SpMetadata;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import eu.panosc.aai.user.DemoConnector;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.encryption.Decrypter;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/** The demo IdP: whom it answers, what it refuses, and what its Responses carry. */
class DemoIdpTest {
  private static final String AAI = "https://panosc.example/aai";
  private static final SpEndpoints SP = SpEndpoints.under(URI.create(AAI));
  private static final String MFA = "https://refeds.org/profile/mfa";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-03-01T12:00:00Z"));
  /** Made once (RSA generation is slow), on a fixed clock at the tests' start. */
  private static final SamlKeys IDP_KEYS = new SamlKeys(TestSamlKeys.rotating("idp.test",
      com.nimbusds.jose.jwk.KeyUse.SIGNATURE, java.time.Clock.fixed(Instant.parse("2030-03-01T12:00:00Z"),
          java.time.ZoneOffset.UTC)));
  private final SamlKeys idpKeys = IDP_KEYS;
  private final String spMetadata = new SpMetadata(SP, TestSamlKeys.signing(), TestSamlKeys.encryption(), List.of(),
      "security@panosc.example", clock).signedXml();
  private final String plainSpMetadata = spMetadata.replaceAll("(?s)<md:KeyDescriptor use=\"encryption\">.*?"
      + "</md:KeyDescriptor>", "");
  private final DemoIdp idp = new DemoIdp(AAI, idpKeys, () -> List.of(spMetadata),
      DemoConnector.create(DemoFederation.fixture(), true), clock);
  private final AuthnRequests requests = new AuthnRequests(SP, TestSamlKeys.signing(), clock);

  private String query(AuthnRequests from, List<String> acr, boolean force) {
    return URI.create(from.redirect(idp.ssoUrl(), acr, force, "relay-1").url()).getRawQuery();
  }

  private DemoIdp.LoginOutcome.Done loginAsAlice(String query) {
    DemoIdp.Step.LoginForm form = (DemoIdp.Step.LoginForm) idp.sso(query, null);
    return (DemoIdp.LoginOutcome.Done) idp.login(form.loginId(), "alice", "alice-demo-pw").await();
  }

  private Response response(DemoIdp.Step.Post post) {
    return (Response) SamlObjects.parse(Base64.getDecoder().decode(post.samlResponse()));
  }

  private BasicX509Credential idpMetadataKey() throws Exception {
    EntityDescriptor idpMetadata = (EntityDescriptor) SamlObjects.parse(idp.signedMetadata()
        .getBytes(StandardCharsets.UTF_8));
    var cert = KeyInfoSupport.getCertificates(idpMetadata.getIDPSSODescriptor("urn:oasis:names:tc:SAML:2.0:protocol")
        .getKeyDescriptors().get(0).getKeyInfo()).get(0);
    SignatureValidator.validate(idpMetadata.getSignature(), new BasicX509Credential(cert));
    return new BasicX509Credential(cert);
  }

  @Test
  void loginWhenSignedRequestFromKnownSpThenSignedResponseWithSignedEncryptedAssertionForTheAcs() throws Exception {
    DemoIdp.LoginOutcome.Done done = loginAsAlice(query(requests, List.of(), false));

    assertThat(done.post().action()).isEqualTo(SP.assertionConsumer());
    assertThat(done.post().relayState()).isEqualTo("relay-1");
    Response response = response(done.post());
    BasicX509Credential idpKey = idpMetadataKey();
    new SAMLSignatureProfileValidator().validate(response.getSignature());
    SignatureValidator.validate(response.getSignature(), idpKey);
    assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.SUCCESS);
    assertThat(response.getDestination()).isEqualTo(SP.assertionConsumer());
    assertThat(response.getIssuer().getValue()).isEqualTo(AAI + "/demo/umbrellaid");
    assertThat(response.getAssertions()).as("only encrypted").isEmpty();
    assertThat(response.getEncryptedAssertions()).hasSize(1);
    assertThat(response.getEncryptedAssertions().get(0).getEncryptedData().getEncryptionMethod().getAlgorithm())
        .isEqualTo("http://www.w3.org/2009/xmlenc11#aes256-gcm");

    BasicX509Credential spDecryption = TestSamlKeys.encryption().current();
    Decrypter decrypter = new Decrypter(null, new StaticKeyInfoCredentialResolver(spDecryption),
        new InlineEncryptedKeyResolver());
    decrypter.setRootInNewDocument(true);
    Assertion assertion = decrypter.decrypt(response.getEncryptedAssertions().get(0));
    SignatureValidator.validate(assertion.getSignature(), idpKey);
    assertThat(assertion.getConditions().getAudienceRestrictions().get(0).getAudiences().get(0).getURI())
        .isEqualTo(SP.entityId());
    assertThat(assertion.getSubject().getSubjectConfirmations().get(0).getSubjectConfirmationData()
        .getRecipient()).isEqualTo(SP.assertionConsumer());
    assertThat(assertion.getAuthnStatements().get(0).getAuthnContext().getAuthnContextClassRef().getURI())
        .isEqualTo("https://refeds.org/sfa");
    Map<String, List<String>> attributes = assertion.getAttributeStatements().get(0).getAttributes().stream()
        .collect(Collectors.toMap(Attribute::getName, a -> a.getAttributeValues().stream()
            .map(v -> ((XSString) v).getValue()).toList()));
    assertThat(attributes.get(DemoResponses.EDUPERSON_UNIQUE_ID)).containsExactly("alice@demo.panosc.eu");
    assertThat(attributes.get(DemoResponses.SUBJECT_ID)).containsExactly("alice@demo.panosc.eu");
    assertThat(attributes.get(DemoResponses.MAIL)).singleElement().asString().contains("@");
    assertThat(attributes.get(DemoResponses.DISPLAY_NAME)).hasSize(1);
    assertThat(attributes.get(DemoResponses.ENTITLEMENT)).isNotEmpty()
        .allSatisfy(e -> assertThat(e).startsWith("urn:geant:demo.panosc.eu:group:panosc:"));
    assertThat(attributes.get(DemoResponses.ASSURANCE)).contains("https://refeds.org/assurance/IAP/low");
  }

  @Test
  void loginWhenSpHasNoEncryptionKeyThenPlainSignedAssertion() throws Exception {
    DemoIdp plain = new DemoIdp(AAI, idpKeys, () -> List.of(plainSpMetadata),
        DemoConnector.create(DemoFederation.fixture(), true), clock);
    String q = URI.create(requests.redirect(plain.ssoUrl(), List.of(), false, "r").url()).getRawQuery();
    DemoIdp.Step.LoginForm form = (DemoIdp.Step.LoginForm) plain.sso(q, null);
    var done = (DemoIdp.LoginOutcome.Done) plain.login(form.loginId(), "alice", "alice-demo-pw").await();

    Response response = response(done.post());
    assertThat(response.getEncryptedAssertions()).isEmpty();
    SignatureValidator.validate(response.getAssertions().get(0).getSignature(), idpMetadataKey());
  }

  @Test
  void ssoWhenUnsignedOrForeignOrWronglySignedThenRefusedSayingWhy() {
    String signed = query(requests, List.of(), false);
    String unsigned = signed.substring(0, signed.indexOf("&SigAlg="));
    assertThatThrownBy(() -> idp.sso(unsigned, null)).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("not signed");

    AuthnRequests foreign = new AuthnRequests(SpEndpoints.under(URI.create("https://evil.example/aai")),
        TestSamlKeys.other(), clock);
    assertThatThrownBy(() -> idp.sso(query(foreign, List.of(), false), null)).isInstanceOf(IdpRefusal.class)
        .satisfies(e -> assertThat(((IdpRefusal) e).title()).isEqualTo("Unknown application"));

    AuthnRequests impostor = new AuthnRequests(SP, TestSamlKeys.other(), clock);
    assertThatThrownBy(() -> idp.sso(query(impostor, List.of(), false), null)).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("signature does not verify");

    assertThatThrownBy(() -> idp.sso("SAMLRequest=%%", null)).isInstanceOf(IdpRefusal.class)
        .satisfies(e -> assertThat(((IdpRefusal) e).title()).isEqualTo("Request not understood"));
    assertThatThrownBy(() -> idp.sso(null, null)).isInstanceOf(IdpRefusal.class);
  }

  @Test
  void ssoWhenRequestOldOrForAnotherIdpThenRefused() {
    String old = query(requests, List.of(), false);
    clock.advance(Duration.ofMinutes(6));
    assertThatThrownBy(() -> idp.sso(old, null)).isInstanceOf(IdpRefusal.class).hasMessageContaining("too old");

    String elsewhere = URI.create(requests.redirect("https://other-idp.example/sso", List.of(), false, "r").url())
        .getRawQuery();
    assertThatThrownBy(() -> idp.sso(elsewhere, null)).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("Destination");
  }

  @Test
  void loginWhenWrongPasswordThenFormAgainAndWhenUnknownLoginThenRefused() {
    DemoIdp.Step.LoginForm form = (DemoIdp.Step.LoginForm) idp.sso(query(requests, List.of(), false), null);

    assertThat(idp.login(form.loginId(), "alice", "wrong").await()).isInstanceOf(DemoIdp.LoginOutcome.Wrong.class);
    assertThat(idp.login(form.loginId(), "alice", "alice-demo-pw").await())
        .isInstanceOf(DemoIdp.LoginOutcome.Done.class);
    assertThatThrownBy(() -> idp.login(form.loginId(), "alice", "alice-demo-pw").await())
        .isInstanceOf(IdpRefusal.class).hasMessageContaining("unknown or has expired");
    assertThatThrownBy(() -> idp.login(null, "alice", "alice-demo-pw").await()).isInstanceOf(IdpRefusal.class);
  }

  @Test
  void ssoWhenSessionThenAnsweredAtOnceUnlessForceAuthnAndNotAfterLogout() {
    DemoIdp.LoginOutcome.Done first = loginAsAlice(query(requests, List.of(), false));

    assertThat(idp.sso(query(requests, List.of(), false), first.sessionId())).isInstanceOf(DemoIdp.Step.Post.class);
    assertThat(idp.sso(query(requests, List.of(), true), first.sessionId()))
        .as("prompt=login: ForceAuthn").isInstanceOf(DemoIdp.Step.LoginForm.class);
    assertThat(idp.logout(null, first.sessionId())).isTrue();
    assertThat(idp.sso(query(requests, List.of(), false), first.sessionId()))
        .isInstanceOf(DemoIdp.Step.LoginForm.class);
    assertThat(idp.logout(null, first.sessionId())).isFalse();
  }

  @Test
  void loginWhenMfaRequestedThenSignedNoAuthnContextResponseWithoutAssertion() throws Exception {
    DemoIdp.LoginOutcome.Done done = loginAsAlice(query(requests, List.of(MFA), false));

    Response response = response(done.post());
    SignatureValidator.validate(response.getSignature(), idpMetadataKey());
    assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo(StatusCode.RESPONDER);
    assertThat(response.getStatus().getStatusCode().getStatusCode().getValue())
        .isEqualTo(StatusCode.NO_AUTHN_CONTEXT);
    assertThat(response.getAssertions()).isEmpty();
    assertThat(response.getEncryptedAssertions()).isEmpty();
  }
}
