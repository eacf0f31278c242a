package eu.panosc.benchmarks.saml;

import eu.panosc.aai.saml.validate.Expectation;
import eu.panosc.aai.saml.xml.SamlXml;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.xml.namespace.QName;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.core.xml.util.XMLObjectSupport;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.AttributeValue;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnContext;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.security.credential.CredentialSupport;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

/**
 * Benchmark data, deterministic in content: a Response as a Shibboleth IdP posts it (Assertion signed with RSA-2048 /
 * SHA-256, exclusive c14n; {@code attributes} string attributes, one value each), and the {@link Expectation} it
 * satisfies. The key is generated per trial, so only the signature bytes differ between runs.
 */
final class SignedResponses {
  static final String IDP = "https://idp.umbrellaid.example.org/idp/shibboleth";
  static final String SP = "https://broker.example.org/aai/saml2/sp";
  static final String ACS = "https://broker.example.org/aai/saml2/sp/acs";
  static final String REQUEST = "_req-7d3e9a0b5c1f2e4d";
  static final String ASSERTION_ID = "_assert-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");

  final X509Certificate idpCertificate;
  final byte[] posted;
  final Expectation expectation;

  SignedResponses(int attributes) {
    SamlXml.get();
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom());
      KeyPair keys = g.generateKeyPair();
      X500Name name = new X500Name("CN=bench-idp");
      idpCertificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          BigInteger.ONE, Date.from(Instant.parse("2020-01-01T00:00:00Z")),
          Date.from(Instant.parse("2040-01-01T00:00:00Z")), name, keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
      Response response = response(attributes);
      Assertion assertion = response.getAssertions().get(0);
      Signature signature = build(Signature.DEFAULT_ELEMENT_NAME);
      signature.setSigningCredential(CredentialSupport.getSimpleCredential(idpCertificate, keys.getPrivate()));
      signature.setSignatureAlgorithm(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
      signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
      assertion.setSignature(signature);
      XMLObjectSupport.marshall(response);
      Signer.signObject(signature);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SerializeSupport.writeNode(response.getDOM(), out);
      posted = Base64.getEncoder().encode(out.toByteArray());
    } catch (Exception e) {
      throw new IllegalStateException("could not build the benchmark response: " + e, e);
    }
    expectation = new Expectation(SP, ACS, REQUEST, IDP, List.of(idpCertificate), List.of(), NOW,
        Duration.ofSeconds(60));
  }

  private static Response response(int attributes) {
    Response response = build(Response.DEFAULT_ELEMENT_NAME);
    response.setID("_resp-a1b2c3d4e5f60718293a4b5c6d7e8f90");
    response.setVersion(SAMLVersion.VERSION_20);
    response.setIssueInstant(NOW);
    response.setDestination(ACS);
    response.setInResponseTo(REQUEST);
    response.setIssuer(issuer());
    Status status = build(Status.DEFAULT_ELEMENT_NAME);
    StatusCode code = build(StatusCode.DEFAULT_ELEMENT_NAME);
    code.setValue(StatusCode.SUCCESS);
    status.setStatusCode(code);
    response.setStatus(status);
    Assertion assertion = build(Assertion.DEFAULT_ELEMENT_NAME);
    assertion.setID(ASSERTION_ID);
    assertion.setVersion(SAMLVersion.VERSION_20);
    assertion.setIssueInstant(NOW);
    assertion.setIssuer(issuer());
    Subject subject = build(Subject.DEFAULT_ELEMENT_NAME);
    NameID nameId = build(NameID.DEFAULT_ELEMENT_NAME);
    nameId.setValue("8f2c4a1e-6b3d-4e5f-9a0b-1c2d3e4f5a6b");
    nameId.setFormat(NameIDType.PERSISTENT);
    subject.setNameID(nameId);
    SubjectConfirmation confirmation = build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
    confirmation.setMethod(SubjectConfirmation.METHOD_BEARER);
    SubjectConfirmationData data = build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
    data.setRecipient(ACS);
    data.setInResponseTo(REQUEST);
    data.setNotOnOrAfter(NOW.plusSeconds(300));
    confirmation.setSubjectConfirmationData(data);
    subject.getSubjectConfirmations().add(confirmation);
    assertion.setSubject(subject);
    Conditions conditions = build(Conditions.DEFAULT_ELEMENT_NAME);
    conditions.setNotBefore(NOW.minusSeconds(30));
    conditions.setNotOnOrAfter(NOW.plusSeconds(300));
    AudienceRestriction restriction = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
    Audience audience = build(Audience.DEFAULT_ELEMENT_NAME);
    audience.setURI(SP);
    restriction.getAudiences().add(audience);
    conditions.getAudienceRestrictions().add(restriction);
    assertion.setConditions(conditions);
    AuthnStatement authn = build(AuthnStatement.DEFAULT_ELEMENT_NAME);
    authn.setAuthnInstant(NOW.minusSeconds(5));
    authn.setSessionIndex("_session-1");
    AuthnContext context = build(AuthnContext.DEFAULT_ELEMENT_NAME);
    AuthnContextClassRef ref = build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
    ref.setURI("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
    context.setAuthnContextClassRef(ref);
    authn.setAuthnContext(context);
    assertion.getAuthnStatements().add(authn);
    AttributeStatement statement = build(AttributeStatement.DEFAULT_ELEMENT_NAME);
    for (int i = 0; i < attributes; i++) {
      Attribute attribute = build(Attribute.DEFAULT_ELEMENT_NAME);
      attribute.setName("urn:oid:1.3.6.1.4.1.5923.1.1.1." + (100 + i));
      attribute.setNameFormat(Attribute.URI_REFERENCE);
      attribute.setFriendlyName("benchAttribute" + i);
      XSString value = (XSString) XMLObjectProviderRegistrySupport.getBuilderFactory()
          .getBuilderOrThrow(XSString.TYPE_NAME).buildObject(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
      value.setValue("value-" + i + "@umbrellaid.example.org");
      attribute.getAttributeValues().add(value);
      statement.getAttributes().add(attribute);
    }
    assertion.getAttributeStatements().add(statement);
    response.getAssertions().add(assertion);
    return response;
  }

  private static Issuer issuer() {
    Issuer issuer = build(Issuer.DEFAULT_ELEMENT_NAME);
    issuer.setValue(IDP);
    issuer.setFormat(NameIDType.ENTITY);
    return issuer;
  }

  @SuppressWarnings("unchecked")
  private static <T extends XMLObject> T build(QName name) {
    return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilderOrThrow(name).buildObject(name);
  }
}
