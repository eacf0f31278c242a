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
    assertThat(idp.logout(null, first.sessionId())).isEqualTo(new DemoIdp.LogoutOutcome.Page("Signed out",
        "You are signed out of the demo identity provider."));
    assertThat(idp.sso(query(requests, List.of(), false), first.sessionId()))
        .isInstanceOf(DemoIdp.Step.LoginForm.class);
    assertThat(idp.logout(null, first.sessionId())).isEqualTo(new DemoIdp.LogoutOutcome.Page("Signed out",
        "You were not signed in at the demo identity provider."));
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

  private java.util.function.Function<String, java.util.Optional<List<java.security.cert.X509Certificate>>> idpKeysOf() {
    return issuer -> issuer.equals(idp.entityId()) ? java.util.Optional.of(idpKeys.published())
        : java.util.Optional.empty();
  }

  private java.util.function.Function<String, java.util.Optional<List<java.security.cert.X509Certificate>>> spKeysOf() {
    return issuer -> issuer.equals(SP.entityId()) ? java.util.Optional.of(TestSamlKeys.signing().published())
        : java.util.Optional.empty();
  }

  private static String rawQuery(String url) {
    return URI.create(url).getRawQuery();
  }

  @Test
  void logoutWhenSignedSpLogoutRequestThenSessionEndsAndSignedSuccessToTheSpsSloWithRelayState() {
    DemoIdp.LoginOutcome.Done done = loginAsAlice(query(requests, List.of(), false));
    // the NameID the SP saw in the (encrypted) assertion, computed as the IdP computes it; no SessionIndex: the session
    // is the browser's
    var subject = new eu.panosc.aai.saml.sp.SamlSubject(idp.entityId(), nameIdOfAlice(), "urn:oasis:names:tc:SAML:2.0"
        + ":nameid-format:persistent", idp.entityId(), SP.entityId(), null);
    String url = eu.panosc.aai.saml.slo.LogoutCodec.redirectRequest(idp.sloUrl(), SP.entityId(), subject, "_spreq1",
        "handle-1", TestSamlKeys.signing().current(), clock.instant(), Duration.ofMinutes(5));

    DemoIdp.LogoutOutcome out = idp.logout(rawQuery(url), done.sessionId());

    assertThat(out).isInstanceOf(DemoIdp.LogoutOutcome.Redirect.class);
    String location = ((DemoIdp.LogoutOutcome.Redirect) out).location();
    assertThat(location).startsWith(SP.singleLogout() + "?SAMLResponse=");
    var answer = eu.panosc.aai.saml.slo.LogoutCodec.redirect(rawQuery(location), idpKeysOf());
    assertThat(answer.inResponseTo()).isEqualTo("_spreq1");
    assertThat(answer.relayState()).isEqualTo("handle-1");
    assertThat(answer.destination()).isEqualTo(SP.singleLogout());
    assertThat(eu.panosc.aai.saml.slo.LogoutChecks.succeeded(answer)).isTrue();
    assertThat(idp.signedIn(done.sessionId())).as("the IdP session ended").isEmpty();
  }

  private String nameIdOfAlice() {
    return new DemoResponses(idp.entityId(), idpKeys.current()).pseudonym(SP.entityId(), "alice@demo.panosc.eu");
  }

  @Test
  void logoutWhenSpLogoutRequestUnsignedForeignOrAddressedElsewhereThenRefusedAndSessionLives() {
    DemoIdp.LoginOutcome.Done done = loginAsAlice(query(requests, List.of(), false));
    var subject = new eu.panosc.aai.saml.sp.SamlSubject(idp.entityId(), nameIdOfAlice(), null, null, null, null);
    String signed = eu.panosc.aai.saml.slo.LogoutCodec.redirectRequest(idp.sloUrl(), SP.entityId(), subject, "_x1",
        null, TestSamlKeys.signing().current(), clock.instant(), Duration.ofMinutes(5));
    String unsigned = rawQuery(signed).substring(0, rawQuery(signed).indexOf("&SigAlg="));
    String foreign = eu.panosc.aai.saml.slo.LogoutCodec.redirectRequest(idp.sloUrl(), SP.entityId(), subject, "_x2",
        null, TestSamlKeys.other().current(), clock.instant(), Duration.ofMinutes(5));
    String elsewhere = eu.panosc.aai.saml.slo.LogoutCodec.redirectRequest("https://other.example/slo", SP.entityId(),
        subject, "_x3", null, TestSamlKeys.signing().current(), clock.instant(), Duration.ofMinutes(5));

    assertThatThrownBy(() -> idp.logout(unsigned, done.sessionId())).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("not signed");
    assertThatThrownBy(() -> idp.logout(rawQuery(foreign), done.sessionId())).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("signature does not verify");
    assertThatThrownBy(() -> idp.logout(rawQuery(elsewhere), done.sessionId())).isInstanceOf(IdpRefusal.class)
        .hasMessageContaining("another identity provider");
    assertThat(idp.signedIn(done.sessionId())).as("nothing ended by a refused request").isPresent();
  }

  @Test
  void startLogoutWhenSessionAnsweredTheSpThenSignedLogoutRequestNamingItAndTheAnswerCompletesIt() {
    DemoIdp.LoginOutcome.Done done = loginAsAlice(query(requests, List.of(), false));

    DemoIdp.LogoutOutcome out = idp.startLogout(done.sessionId());

    String location = ((DemoIdp.LogoutOutcome.Redirect) out).location();
    assertThat(location).startsWith(SP.singleLogout() + "?SAMLRequest=");
    var request = eu.panosc.aai.saml.slo.LogoutCodec.redirect(rawQuery(location), idpKeysOf());
    assertThat(request.nameId()).isEqualTo(nameIdOfAlice());
    assertThat(request.sessionIndexes()).hasSize(1);
    assertThat(request.spNameQualifier()).isEqualTo(SP.entityId());
    assertThat(idp.signedIn(done.sessionId())).isEmpty();

    String answer = eu.panosc.aai.saml.slo.LogoutCodec.redirectResponse(idp.sloUrl(), SP.entityId(), request.id(),
        "urn:oasis:names:tc:SAML:2.0:status:Success", eu.panosc.aai.saml.slo.LogoutCodec.PARTIAL_LOGOUT,
        request.relayState(), TestSamlKeys.signing().current(), clock.instant());
    assertThat(idp.logout(rawQuery(answer), null)).isInstanceOfSatisfying(DemoIdp.LogoutOutcome.Page.class,
        p -> assertThat(p.message()).contains("partial logout"));
    assertThatThrownBy(() -> idp.logout(rawQuery(answer), null)).as("an answer completes its logout once")
        .isInstanceOf(IdpRefusal.class).hasMessageContaining("does not belong");
    assertThat(idp.startLogout(done.sessionId())).isInstanceOf(DemoIdp.LogoutOutcome.Page.class);
  }
}
