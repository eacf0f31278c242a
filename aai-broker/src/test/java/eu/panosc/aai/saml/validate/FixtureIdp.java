package eu.panosc.aai.saml.validate;

import eu.panosc.aai.saml.xml.SamlXml;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.saml2.encryption.Encrypter;
import org.opensaml.security.credential.CredentialSupport;
import org.opensaml.xmlsec.encryption.support.DataEncryptionParameters;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters;
import org.opensaml.xmlsec.encryption.support.RSAOAEPParameters;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.opensaml.xmlsec.signature.KeyInfo;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;
import org.w3c.dom.Element;

/**
 * A test fixture, not a test: a SAML IdP that builds Responses with OpenSAML the way real IdPs do (signed Assertion
 * and/or Response, optionally encrypted to the SP), every field adjustable through a {@link Spec} so a test can build
 * exactly the Response it needs. Keys are generated once per JVM.
 */
final class FixtureIdp {
  static final String IDP = "https://idp.example.org/idp/shibboleth";
  static final String SP = "https://broker.example.org/aai/saml2/sp";
  static final String ACS = "https://broker.example.org/aai/saml2/sp/acs";
  static final String REQUEST = "_req-5f0c1a2b3c4d5e6f";
  static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  static final Duration SKEW = Duration.ofSeconds(60);

  /** The IdP's signing key (in its metadata). */
  static final KeyMaterial IDP_KEY = KeyMaterial.generate("idp");
  /** A key the IdP rolls over to (also in its metadata during a rollover). */
  static final KeyMaterial IDP_NEXT_KEY = KeyMaterial.generate("idp-next");
  /** An attacker's key: not in metadata. */
  static final KeyMaterial ATTACKER_KEY = KeyMaterial.generate("attacker");
  /** The SP's current and previous encryption keys. */
  static final KeyMaterial SP_KEY = KeyMaterial.generate("sp");
  static final KeyMaterial SP_OLD_KEY = KeyMaterial.generate("sp-old");

  private FixtureIdp() {}

  /** A key pair with a self-signed certificate. */
  record KeyMaterial(KeyPair keys, X509Certificate certificate) {
    static KeyMaterial generate(String name) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(name.hashCode() & 0x7fffffff),
            Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2040-01-01T00:00:00Z")),
            subject, keys.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        return new KeyMaterial(keys, cert);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    Expectation.DecryptionKey decryptionKey() {
      return new Expectation.DecryptionKey(keys.getPrivate(), certificate);
    }
  }

  /** How to encrypt the assertion: to whom, with which algorithms (null digest/MGF: the defaults). */
  record Encryption(X509Certificate recipient, String dataAlgorithm, String keyAlgorithm, String digest, String mgf,
      boolean namesCertificate) {
    Encryption(X509Certificate recipient, String dataAlgorithm, String keyAlgorithm, String digest, String mgf) {
      this(recipient, dataAlgorithm, keyAlgorithm, digest, mgf, false);
    }

    static Encryption standard() {
      return new Encryption(SP_KEY.certificate(), EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
          EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, SignatureConstants.ALGO_ID_DIGEST_SHA1, null);
    }
  }

  /** Everything about one Response; start from {@link #valid()} and change what the test is about. */
  static final class Spec {
    String responseId = "_resp-" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    String assertionId = "_assert-" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    String responseIssuer = IDP;
    String assertionIssuer = IDP;
    String destination = ACS;
    String inResponseTo = REQUEST;
    String confirmationInResponseTo = REQUEST;
    String recipient = ACS;
    String confirmationMethod = SubjectConfirmation.METHOD_BEARER;
    List<String> audiences = List.of(SP);
    Instant issueInstant = NOW;
    Instant notBefore = NOW.minusSeconds(30);
    Instant notOnOrAfter = NOW.plusSeconds(300);
    Instant confirmationNotOnOrAfter = NOW.plusSeconds(300);
    String statusCode = StatusCode.SUCCESS;
    /** A second-level status code (null: none), such as {@link StatusCode#NO_AUTHN_CONTEXT}. */
    String secondStatusCode;
    /** The Response's IssueInstant when it differs from the assertion's (null: {@link #issueInstant}). */
    Instant responseIssueInstant;
    String nameId = "alice-7c1f@idp.example.org";
    String nameIdFormat = NameIDType.PERSISTENT;
    int attributes = 3;
    boolean authnStatement = true;
    boolean signResponse;
    boolean signAssertion = true;
    KeyMaterial signer = IDP_KEY;
    String signatureAlgorithm = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256;
    boolean keyInfo;
    Encryption encryption;

    Spec with(java.util.function.Consumer<Spec> change) {
      change.accept(this);
      return this;
    }
  }

  static Spec valid() {
    return new Spec();
  }

  static Expectation expectation() {
    return expectation(NOW);
  }

  static Expectation expectation(Instant now) {
    return new Expectation(SP, ACS, REQUEST, IDP, List.of(IDP_KEY.certificate()),
        List.of(SP_KEY.decryptionKey()), now, SKEW);
  }

  /** The Response of {@code spec}, signed and encrypted as it says (marshalled: its DOM is attached). */
  static Response response(Spec spec) {
    SamlXml.get();
    try {
      Response response = build(Response.DEFAULT_ELEMENT_NAME);
      response.setID(spec.responseId);
      response.setVersion(SAMLVersion.VERSION_20);
      response.setIssueInstant(spec.responseIssueInstant != null ? spec.responseIssueInstant : spec.issueInstant);
      response.setDestination(spec.destination);
      response.setInResponseTo(spec.inResponseTo);
      if (spec.responseIssuer != null) {
        response.setIssuer(issuer(spec.responseIssuer));
      }
      Status status = build(Status.DEFAULT_ELEMENT_NAME);
      StatusCode code = build(StatusCode.DEFAULT_ELEMENT_NAME);
      code.setValue(spec.statusCode);
      if (spec.secondStatusCode != null) {
        StatusCode second = build(StatusCode.DEFAULT_ELEMENT_NAME);
        second.setValue(spec.secondStatusCode);
        code.setStatusCode(second);
      }
      status.setStatusCode(code);
      response.setStatus(status);
      Assertion assertion = assertion(spec);
      if (spec.encryption != null) {
        if (spec.signAssertion) {
          assertion.setSignature(signature(spec));
          XMLObjectSupport.marshall(assertion);
          Signer.signObject(assertion.getSignature());
        }
        response.getEncryptedAssertions().add(encrypt(assertion, spec.encryption));
      } else {
        response.getAssertions().add(assertion);
        if (spec.signAssertion) {
          assertion.setSignature(signature(spec));
        }
      }
      if (spec.signResponse) {
        response.setSignature(signature(spec));
      }
      XMLObjectSupport.marshall(response);
      // the assertion's signature first: the Response's signature then covers the signed assertion
      if (spec.signAssertion && spec.encryption == null) {
        Signer.signObject(assertion.getSignature());
      }
      if (spec.signResponse) {
        Signer.signObject(response.getSignature());
      }
      return response;
    } catch (Exception e) {
      throw new IllegalStateException("the fixture IdP could not build the response: " + e, e);
    }
  }

  /** The Response's XML (UTF-8). */
  static byte[] xml(Spec spec) {
    return serialize(response(spec).getDOM());
  }

  /** What the browser POSTs: base64 of the XML. */
  static byte[] posted(Spec spec) {
    return Base64.getEncoder().encode(xml(spec));
  }

  static byte[] serialize(Element element) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SerializeSupport.writeNode(element, out);
    return out.toByteArray();
  }

  static String text(byte[] xml) {
    return new String(xml, StandardCharsets.UTF_8);
  }

  private static Assertion assertion(Spec spec) {
    Assertion assertion = build(Assertion.DEFAULT_ELEMENT_NAME);
    assertion.setID(spec.assertionId);
    assertion.setVersion(SAMLVersion.VERSION_20);
    assertion.setIssueInstant(spec.issueInstant);
    if (spec.assertionIssuer != null) {
      assertion.setIssuer(issuer(spec.assertionIssuer));
    }
    Subject subject = build(Subject.DEFAULT_ELEMENT_NAME);
    NameID nameId = build(NameID.DEFAULT_ELEMENT_NAME);
    nameId.setValue(spec.nameId);
    nameId.setFormat(spec.nameIdFormat);
    nameId.setNameQualifier(IDP);
    nameId.setSPNameQualifier(SP);
    subject.setNameID(nameId);
    SubjectConfirmation confirmation = build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
    confirmation.setMethod(spec.confirmationMethod);
    SubjectConfirmationData data = build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
    data.setRecipient(spec.recipient);
    data.setInResponseTo(spec.confirmationInResponseTo);
    data.setNotOnOrAfter(spec.confirmationNotOnOrAfter);
    confirmation.setSubjectConfirmationData(data);
    subject.getSubjectConfirmations().add(confirmation);
    assertion.setSubject(subject);
    Conditions conditions = build(Conditions.DEFAULT_ELEMENT_NAME);
    conditions.setNotBefore(spec.notBefore);
    conditions.setNotOnOrAfter(spec.notOnOrAfter);
    if (!spec.audiences.isEmpty()) {
      AudienceRestriction restriction = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
      for (String a : spec.audiences) {
        Audience audience = build(Audience.DEFAULT_ELEMENT_NAME);
        audience.setURI(a);
        restriction.getAudiences().add(audience);
      }
      conditions.getAudienceRestrictions().add(restriction);
    }
    assertion.setConditions(conditions);
    if (spec.authnStatement) {
      AuthnStatement authn = build(AuthnStatement.DEFAULT_ELEMENT_NAME);
      authn.setAuthnInstant(NOW.minusSeconds(5));
      authn.setSessionIndex("_session-42");
      AuthnContext context = build(AuthnContext.DEFAULT_ELEMENT_NAME);
      AuthnContextClassRef ref = build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
      ref.setURI("https://refeds.org/profile/mfa");
      context.setAuthnContextClassRef(ref);
      authn.setAuthnContext(context);
      assertion.getAuthnStatements().add(authn);
    }
    if (spec.attributes > 0) {
      AttributeStatement statement = build(AttributeStatement.DEFAULT_ELEMENT_NAME);
      for (int i = 0; i < spec.attributes; i++) {
        statement.getAttributes().add(attribute(i));
      }
      assertion.getAttributeStatements().add(statement);
    }
    return assertion;
  }

  /** Attribute {@code i}: the first ones are real eduPerson attributes, the rest numbered. */
  static Attribute attribute(int i) {
    Attribute attribute = build(Attribute.DEFAULT_ELEMENT_NAME);
    attribute.setNameFormat(Attribute.URI_REFERENCE);
    List<String> values = new ArrayList<>();
    switch (i) {
      case 0 -> {
        attribute.setName("urn:oid:1.3.6.1.4.1.5923.1.1.1.6");
        attribute.setFriendlyName("eduPersonPrincipalName");
        values.add("alice@idp.example.org");
      }
      case 1 -> {
        attribute.setName("urn:oid:0.9.2342.19200300.100.1.3");
        attribute.setFriendlyName("mail");
        values.add("alice@example.org");
      }
      case 2 -> {
        attribute.setName("urn:oid:1.3.6.1.4.1.5923.1.1.1.7");
        attribute.setFriendlyName("eduPersonEntitlement");
        values.add("urn:geant:umbrellaid.org:group:esrf:proposal-1234#umbrellaid.org");
        values.add("urn:geant:umbrellaid.org:group:ill:staff#umbrellaid.org");
      }
      default -> {
        attribute.setName("urn:oid:1.3.6.1.4.1.99999.1." + i);
        attribute.setFriendlyName("fixtureAttribute" + i);
        values.add("value-" + i);
      }
    }
    for (String v : values) {
      XSString value = (XSString) XMLObjectProviderRegistrySupport.getBuilderFactory()
          .getBuilderOrThrow(XSString.TYPE_NAME).buildObject(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
      value.setValue(v);
      attribute.getAttributeValues().add(value);
    }
    return attribute;
  }

  private static Issuer issuer(String value) {
    Issuer issuer = build(Issuer.DEFAULT_ELEMENT_NAME);
    issuer.setValue(value);
    issuer.setFormat(NameIDType.ENTITY);
    return issuer;
  }

  private static Signature signature(Spec spec) throws Exception {
    Signature signature = build(Signature.DEFAULT_ELEMENT_NAME);
    signature.setSigningCredential(
        CredentialSupport.getSimpleCredential(spec.signer.certificate(), spec.signer.keys().getPrivate()));
    signature.setSignatureAlgorithm(spec.signatureAlgorithm);
    signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    if (spec.keyInfo) {
      KeyInfo keyInfo = build(KeyInfo.DEFAULT_ELEMENT_NAME);
      KeyInfoSupport.addCertificate(keyInfo, spec.signer.certificate());
      signature.setKeyInfo(keyInfo);
    }
    return signature;
  }

  private static EncryptedAssertion encrypt(Assertion assertion, Encryption e) throws Exception {
    DataEncryptionParameters data = new DataEncryptionParameters();
    data.setAlgorithm(e.dataAlgorithm());
    KeyEncryptionParameters key = new KeyEncryptionParameters();
    key.setEncryptionCredential(CredentialSupport.getSimpleCredential(e.recipient(), null));
    key.setAlgorithm(e.keyAlgorithm());
    if (e.digest() != null || e.mgf() != null) {
      key.setRSAOAEPParameters(new RSAOAEPParameters(e.digest(), e.mgf(), null));
    }
    if (e.namesCertificate()) {
      org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory names =
          new org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory();
      names.setEmitEntityCertificate(true);
      key.setKeyInfoGenerator(names.newInstance());
    }
    Encrypter encrypter = new Encrypter(data, key);
    encrypter.setKeyPlacement(Encrypter.KeyPlacement.INLINE);
    return encrypter.encrypt(assertion);
  }

  @SuppressWarnings("unchecked")
  static <T extends XMLObject> T build(QName name) {
    return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilderOrThrow(name).buildObject(name);
  }
}
