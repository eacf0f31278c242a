package eu.panosc.aai.saml.idp;

import eu.panosc.aai.saml.sp.SamlObjects;
import eu.panosc.aai.user.UpstreamIdentity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.schema.XSString;
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
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.saml2.encryption.Encrypter;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.DataEncryptionParameters;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.encryption.support.EncryptionException;
import org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters;

/**
 * The demo IdP's SAML Responses: signed, with a signed assertion carrying the demo user's attributes by their
 * {@code urn:oid} (or SAML subject-id) Names, encrypted (AES-256-GCM, key transported with RSA-OAEP) when the SP has
 * an encryption key; or a signed {@code NoAuthnContext} error when the SP asked for an authentication context the
 * demo login does not give.
 */
final class DemoResponses {
  static final String SUBJECT_ID = "urn:oasis:names:tc:SAML:attribute:subject-id";
  static final String EDUPERSON_UNIQUE_ID = "urn:oid:1.3.6.1.4.1.5923.1.1.1.13";
  static final String DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241";
  static final String MAIL = "urn:oid:0.9.2342.19200300.100.1.3";
  static final String ENTITLEMENT = "urn:oid:1.3.6.1.4.1.5923.1.1.1.7";
  static final String ASSURANCE = "urn:oid:1.3.6.1.4.1.5923.1.1.1.11";
  /** How long an assertion may be presented (SubjectConfirmationData and Conditions NotOnOrAfter). */
  static final Duration VALIDITY = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String entityId;
  private final BasicX509Credential signing;

  DemoResponses(String entityId, BasicX509Credential signing) {
    this.entityId = entityId;
    this.signing = signing;
  }

  /** The base64 of a signed Response to {@code requestId} for {@code user}, for the SP's HTTP-POST ACS. */
  String success(KnownSp sp, String requestId, UpstreamIdentity user, Instant authnInstant, String sessionIndex,
      Instant now) {
    Response response = response(sp, requestId, now, StatusCode.SUCCESS, null);
    Assertion assertion = assertion(sp, requestId, user, authnInstant, sessionIndex, now);
    SamlObjects.sign(assertion, signing);
    if (sp.encryption().isPresent()) {
      response.getEncryptedAssertions().add(encrypt(assertion, sp.encryption().get()));
    } else {
      response.getAssertions().add(assertion);
    }
    return encode(response);
  }

  /** The base64 of a signed Response saying the requested authentication context cannot be given. */
  String noAuthnContext(KnownSp sp, String requestId, Instant now) {
    return encode(response(sp, requestId, now, StatusCode.RESPONDER, StatusCode.NO_AUTHN_CONTEXT));
  }

  private String encode(Response response) {
    String xml = SerializeSupport.nodeToString(SamlObjects.sign(response, signing));
    return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }

  private Response response(KnownSp sp, String requestId, Instant now, String status, String subStatus) {
    Response response = SamlObjects.build(Response.DEFAULT_ELEMENT_NAME);
    response.setID(newId());
    response.setVersion(SAMLVersion.VERSION_20);
    response.setIssueInstant(now);
    response.setInResponseTo(requestId);
    response.setDestination(sp.assertionConsumer());
    response.setIssuer(issuer());
    response.setStatus(SamlObjects.status(status, subStatus));
    return response;
  }

  private Assertion assertion(KnownSp sp, String requestId, UpstreamIdentity user, Instant authnInstant,
      String sessionIndex, Instant now) {
    Assertion assertion = SamlObjects.build(Assertion.DEFAULT_ELEMENT_NAME);
    assertion.setID(newId());
    assertion.setVersion(SAMLVersion.VERSION_20);
    assertion.setIssueInstant(now);
    assertion.setIssuer(issuer());

    Subject subject = SamlObjects.build(Subject.DEFAULT_ELEMENT_NAME);
    NameID nameId = SamlObjects.build(NameID.DEFAULT_ELEMENT_NAME);
    nameId.setFormat(NameIDType.PERSISTENT);
    nameId.setNameQualifier(entityId);
    nameId.setSPNameQualifier(sp.entityId());
    nameId.setValue(pseudonym(sp.entityId(), user.userId()));
    subject.setNameID(nameId);
    SubjectConfirmation confirmation = SamlObjects.build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
    confirmation.setMethod(SubjectConfirmation.METHOD_BEARER);
    SubjectConfirmationData data = SamlObjects.build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
    data.setRecipient(sp.assertionConsumer());
    data.setInResponseTo(requestId);
    data.setNotOnOrAfter(now.plus(VALIDITY));
    confirmation.setSubjectConfirmationData(data);
    subject.getSubjectConfirmations().add(confirmation);
    assertion.setSubject(subject);

    Conditions conditions = SamlObjects.build(Conditions.DEFAULT_ELEMENT_NAME);
    conditions.setNotBefore(now);
    conditions.setNotOnOrAfter(now.plus(VALIDITY));
    AudienceRestriction restriction = SamlObjects.build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
    Audience audience = SamlObjects.build(Audience.DEFAULT_ELEMENT_NAME);
    audience.setURI(sp.entityId());
    restriction.getAudiences().add(audience);
    conditions.getAudienceRestrictions().add(restriction);
    assertion.setConditions(conditions);

    AuthnStatement authn = SamlObjects.build(AuthnStatement.DEFAULT_ELEMENT_NAME);
    authn.setAuthnInstant(authnInstant);
    authn.setSessionIndex(sessionIndex);
    AuthnContext context = SamlObjects.build(AuthnContext.DEFAULT_ELEMENT_NAME);
    AuthnContextClassRef ref = SamlObjects.build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
    ref.setURI(user.acr());
    context.setAuthnContextClassRef(ref);
    authn.setAuthnContext(context);
    assertion.getAuthnStatements().add(authn);

    AttributeStatement attributes = SamlObjects.build(AttributeStatement.DEFAULT_ELEMENT_NAME);
    attributes.getAttributes().add(attribute(SUBJECT_ID, "subject-id", List.of(user.userId())));
    attributes.getAttributes().add(attribute(EDUPERSON_UNIQUE_ID, "eduPersonUniqueId", List.of(user.userId())));
    if (user.displayName() != null) {
      attributes.getAttributes().add(attribute(DISPLAY_NAME, "displayName", List.of(user.displayName())));
    }
    if (user.email() != null) {
      attributes.getAttributes().add(attribute(MAIL, "mail", List.of(user.email())));
    }
    if (!user.entitlements().isEmpty()) {
      attributes.getAttributes().add(attribute(ENTITLEMENT, "eduPersonEntitlement", user.entitlements()));
    }
    if (!user.assurance().isEmpty()) {
      attributes.getAttributes().add(attribute(ASSURANCE, "eduPersonAssurance", user.assurance()));
    }
    assertion.getAttributeStatements().add(attributes);
    return assertion;
  }

  private static Attribute attribute(String name, String friendlyName, List<String> values) {
    Attribute a = SamlObjects.build(Attribute.DEFAULT_ELEMENT_NAME);
    a.setName(name);
    a.setNameFormat(Attribute.URI_REFERENCE);
    a.setFriendlyName(friendlyName);
    for (String v : values) {
      XSString value = SamlObjects.build(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
      value.setValue(v);
      a.getAttributeValues().add(value);
    }
    return a;
  }

  private EncryptedAssertion encrypt(Assertion assertion, java.security.cert.X509Certificate spKey) {
    DataEncryptionParameters data = new DataEncryptionParameters();
    data.setAlgorithm(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM);
    KeyEncryptionParameters key = new KeyEncryptionParameters();
    key.setEncryptionCredential(new BasicX509Credential(spKey));
    key.setAlgorithm(EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP);
    Encrypter encrypter = new Encrypter(data, key);
    encrypter.setKeyPlacement(Encrypter.KeyPlacement.INLINE);
    try {
      return encrypter.encrypt(assertion);
    } catch (EncryptionException e) {
      throw new IllegalStateException("cannot encrypt the assertion: " + e.getMessage(), e);
    }
  }

  private Issuer issuer() {
    Issuer issuer = SamlObjects.build(Issuer.DEFAULT_ELEMENT_NAME);
    issuer.setValue(entityId);
    return issuer;
  }

  /** A per-SP persistent NameID: the user is not linkable across SPs by it. */
  String pseudonym(String spEntityId, String userId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((entityId + "|" + spEntityId + "|" + userId)
          .getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newId() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return "_" + HexFormat.of().formatHex(b);
  }
}
