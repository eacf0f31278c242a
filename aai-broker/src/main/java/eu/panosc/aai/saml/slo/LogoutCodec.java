package eu.panosc.aai.saml.slo;

import eu.panosc.aai.saml.sp.AuthnRequests;
import eu.panosc.aai.saml.sp.RedirectBinding;
import eu.panosc.aai.saml.sp.SamlMessageException;
import eu.panosc.aai.saml.sp.SamlObjects;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.validate.EnvelopedSignatures;
import eu.panosc.aai.saml.validate.SamlRejectedException;
import eu.panosc.aai.saml.xml.SamlXml;
import eu.panosc.aai.saml.xml.XmlRefusedException;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.SessionIndex;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.security.x509.BasicX509Credential;

/**
 * SAML Single Logout messages over the HTTP-Redirect and HTTP-POST bindings, both directions and both roles (the
 * broker's SP and the demo IdP): building signed LogoutRequests and LogoutResponses, and reading received ones. A
 * received message is parsed with the hardened parser (no DTD, bounded), its issuer's signing certificates are looked
 * up in metadata (never a KeyInfo in the message), and the signature is required: the query signature over
 * HTTP-Redirect (SAML Bindings §3.4.4.1, RSA-SHA256), the enveloped signature over HTTP-POST (SAML core §5). Only a
 * verified message becomes a {@link LogoutMessage}; the protocol checks (Destination, times, InResponseTo, one-time
 * use, the session) are the caller's. Blocking (parsing, RSA): call it off the event loop.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf">SAML 2.0 Bindings §3.4, §3.5</a>
 */
public final class LogoutCodec {
  /** A POSTed (base64) message larger than this is refused before decoding. */
  public static final int MAX_POSTED = 64 * 1024;
  public static final String PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

  private LogoutCodec() {}

  /** Which binding a message came over. */
  public enum Binding { REDIRECT, POST }

  // ---- building ----

  /** A new LogoutRequest for {@code subject}, from {@code issuer} to {@code destination}, valid {@code validity}. */
  static LogoutRequest request(String id, String issuer, String destination, SamlSubject subject, Instant now,
      Duration validity) {
    LogoutRequest request = SamlObjects.build(LogoutRequest.DEFAULT_ELEMENT_NAME);
    request.setID(id);
    request.setVersion(SAMLVersion.VERSION_20);
    request.setIssueInstant(now);
    request.setNotOnOrAfter(now.plus(validity));
    request.setDestination(destination);
    request.setReason(LogoutRequest.USER_REASON);
    request.setIssuer(issuer(issuer));
    NameID nameId = SamlObjects.build(NameID.DEFAULT_ELEMENT_NAME);
    nameId.setValue(subject.nameId());
    nameId.setFormat(subject.nameIdFormat());
    nameId.setNameQualifier(subject.nameQualifier());
    nameId.setSPNameQualifier(subject.spNameQualifier());
    request.setNameID(nameId);
    if (subject.sessionIndex() != null) {
      SessionIndex index = SamlObjects.build(SessionIndex.DEFAULT_ELEMENT_NAME);
      index.setValue(subject.sessionIndex());
      request.getSessionIndexes().add(index);
    }
    return request;
  }

  /** A new LogoutResponse to {@code inResponseTo} with the status {@code status} (and {@code subStatus}, or null). */
  static LogoutResponse response(String id, String issuer, String destination, String inResponseTo, String status,
      String subStatus, Instant now) {
    LogoutResponse response = SamlObjects.build(LogoutResponse.DEFAULT_ELEMENT_NAME);
    response.setID(id);
    response.setVersion(SAMLVersion.VERSION_20);
    response.setIssueInstant(now);
    response.setDestination(destination);
    response.setInResponseTo(inResponseTo);
    response.setIssuer(issuer(issuer));
    response.setStatus(SamlObjects.status(status, subStatus));
    return response;
  }

  /**
   * The URL sending a signed LogoutRequest over HTTP-Redirect to {@code sloUrl}: SAMLRequest, RelayState (when not
   * null), SigAlg, Signature.
   */
  public static String redirectRequest(String sloUrl, String issuer, SamlSubject subject, String requestId,
      String relayState, BasicX509Credential key, Instant now, Duration validity) {
    String xml = SamlObjects.toXml(request(requestId, issuer, sloUrl, subject, now, validity));
    return url(sloUrl, RedirectBinding.signedQuery("SAMLRequest", xml, relayState, key.getPrivateKey()));
  }

  /** The URL sending a signed LogoutResponse over HTTP-Redirect to {@code sloUrl}. */
  public static String redirectResponse(String sloUrl, String issuer, String inResponseTo, String status,
      String subStatus, String relayState, BasicX509Credential key, Instant now) {
    String xml = SamlObjects.toXml(response(AuthnRequests.newRequestId(), issuer, sloUrl, inResponseTo, status,
        subStatus, now));
    return url(sloUrl, RedirectBinding.signedQuery("SAMLResponse", xml, relayState, key.getPrivateKey()));
  }

  /** The base64 of a LogoutRequest with an enveloped signature, for the HTTP-POST binding. */
  public static String postRequest(String sloUrl, String issuer, SamlSubject subject, String requestId,
      BasicX509Credential key, Instant now, Duration validity) {
    return signedBase64(request(requestId, issuer, sloUrl, subject, now, validity), key);
  }

  /** The base64 of a LogoutResponse with an enveloped signature, for the HTTP-POST binding. */
  public static String postResponse(String sloUrl, String issuer, String inResponseTo, String status,
      String subStatus, BasicX509Credential key, Instant now) {
    return signedBase64(response(AuthnRequests.newRequestId(), issuer, sloUrl, inResponseTo, status, subStatus, now),
        key);
  }

  private static String signedBase64(SignableSAMLObject object, BasicX509Credential key) {
    String xml = SerializeSupport.nodeToString(SamlObjects.sign(object, key));
    return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String url(String base, String query) {
    return base + (base.contains("?") ? "&" : "?") + query;
  }

  private static Issuer issuer(String value) {
    Issuer issuer = SamlObjects.build(Issuer.DEFAULT_ELEMENT_NAME);
    issuer.setValue(value);
    return issuer;
  }

  // ---- receiving ----

  /**
   * Reads a message received over HTTP-Redirect (the raw query string, exactly as sent): a SAMLRequest or a
   * SAMLResponse, whose query signature must verify under a signing certificate of its issuer ({@code keysOf}).
   *
   * @throws SloRefusedException when it is unreadable, unsigned, from an unknown issuer or not verified
   */
  public static LogoutMessage redirect(String rawQuery, Function<String, Optional<List<X509Certificate>>> keysOf) {
    String parameter = parameterOf(rawQuery);
    RedirectBinding.Received received;
    try {
      received = RedirectBinding.parse(rawQuery, parameter);
    } catch (SamlMessageException e) {
      throw new SloRefusedException(SloReason.MALFORMED, "the HTTP-Redirect " + parameter + " is not readable: "
          + e.getMessage());
    }
    XMLObject object = parse(received.message());
    String issuer = issuerOf(object);
    List<X509Certificate> keys = keysOf.apply(issuer).orElseThrow(() -> unknownIssuer(issuer));
    if (received.signature() == null) {
      throw new SloRefusedException(SloReason.UNSIGNED, "the HTTP-Redirect " + parameter + " of " + printable(issuer)
          + " carries no Signature");
    }
    List<PublicKey> publicKeys = keys.stream().map(X509Certificate::getPublicKey).toList();
    if (!received.verifiedBy(publicKeys)) {
      throw new SloRefusedException(SloReason.SIGNATURE_INVALID, "the query signature of the " + parameter + " of "
          + printable(issuer) + " does not verify under any of its " + keys.size() + " metadata signing keys (or its"
          + " SigAlg is not RSA-SHA256)");
    }
    return read(object, issuer, received.relayState());
  }

  /**
   * Reads a message received over HTTP-POST: {@code parameter} ({@code SAMLRequest} or {@code SAMLResponse}) holds
   * the base64 XML, whose enveloped signature must verify under a signing certificate of its issuer.
   *
   * @throws SloRefusedException when it is unreadable, unsigned, from an unknown issuer or not verified
   */
  public static LogoutMessage post(String parameter, String base64, String relayState,
      Function<String, Optional<List<X509Certificate>>> keysOf) {
    if (base64 == null || base64.isEmpty()) {
      throw new SloRefusedException(SloReason.MALFORMED, "the HTTP-POST carries no SAMLRequest or SAMLResponse");
    }
    if (base64.length() > MAX_POSTED) {
      throw new SloRefusedException(SloReason.MALFORMED, "the HTTP-POST " + parameter + " is larger than "
          + MAX_POSTED + " bytes");
    }
    if (relayState != null && relayState.length() > 80) {
      throw new SloRefusedException(SloReason.MALFORMED, "the RelayState is longer than 80 bytes");
    }
    byte[] xml;
    try {
      xml = Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new SloRefusedException(SloReason.MALFORMED, "the HTTP-POST " + parameter + " is not base64");
    }
    XMLObject object = parse(xml);
    boolean isRequest = object instanceof LogoutRequest;
    if (isRequest != "SAMLRequest".equals(parameter)) {
      throw new SloRefusedException(SloReason.UNEXPECTED, "the HTTP-POST " + parameter + " holds a "
          + object.getElementQName().getLocalPart());
    }
    String issuer = issuerOf(object);
    List<X509Certificate> keys = keysOf.apply(issuer).orElseThrow(() -> unknownIssuer(issuer));
    try {
      EnvelopedSignatures.verify((SignableSAMLObject) object, keys, object.getElementQName().getLocalPart());
    } catch (SamlRejectedException e) {
      throw new SloRefusedException(switch (e.reason()) {
        case UNSIGNED -> SloReason.UNSIGNED;
        default -> SloReason.SIGNATURE_INVALID;
      }, "the HTTP-POST " + parameter + " of " + printable(issuer) + " was refused: " + e.getMessage());
    }
    return read(object, issuer, relayState);
  }

  /** Which of SAMLRequest / SAMLResponse a raw query carries (exactly one). */
  private static String parameterOf(String rawQuery) {
    boolean request = false;
    boolean response = false;
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        request |= pair.startsWith("SAMLRequest=");
        response |= pair.startsWith("SAMLResponse=");
      }
    }
    if (request == response) {
      throw new SloRefusedException(SloReason.MALFORMED, request
          ? "the HTTP-Redirect carries both a SAMLRequest and a SAMLResponse"
          : "the HTTP-Redirect carries neither a SAMLRequest nor a SAMLResponse");
    }
    return request ? "SAMLRequest" : "SAMLResponse";
  }

  private static XMLObject parse(byte[] xml) {
    XMLObject object;
    try {
      object = SamlXml.get().unmarshal(xml, MAX_POSTED);
    } catch (XmlRefusedException e) {
      throw new SloRefusedException(SloReason.MALFORMED, "the message is not acceptable XML: " + e.getMessage());
    }
    if (!(object instanceof LogoutRequest) && !(object instanceof LogoutResponse)) {
      throw new SloRefusedException(SloReason.UNEXPECTED, "the message is a "
          + printable(object.getElementQName().getLocalPart()) + ", not a LogoutRequest or LogoutResponse");
    }
    return object;
  }

  private static String issuerOf(XMLObject object) {
    Issuer issuer = object instanceof LogoutRequest r ? r.getIssuer() : ((LogoutResponse) object).getIssuer();
    if (issuer == null || issuer.getValue() == null || issuer.getValue().isBlank()) {
      throw new SloRefusedException(SloReason.UNKNOWN_ISSUER, "the message names no Issuer");
    }
    return issuer.getValue();
  }

  private static SloRefusedException unknownIssuer(String issuer) {
    return new SloRefusedException(SloReason.UNKNOWN_ISSUER, "the Issuer " + printable(issuer)
        + " is not an entity whose metadata we have");
  }

  /** The verified message's values, under the platform's input rule. */
  private static LogoutMessage read(XMLObject object, String issuer, String relayState) {
    try {
      if (object instanceof LogoutRequest r) {
        NameID nameId = r.getNameID();
        if (nameId == null || nameId.getValue() == null) {
          throw new SloRefusedException(SloReason.MALFORMED, "LogoutRequest " + printable(r.getID()) + " of "
              + printable(issuer) + " names no plain NameID (BaseID and EncryptedID are not supported)");
        }
        List<String> indexes = new ArrayList<>();
        for (SessionIndex i : r.getSessionIndexes()) {
          indexes.add(Input.id("SessionIndex", i.getValue(), 1024));
        }
        return new LogoutMessage(LogoutMessage.Kind.REQUEST, id(r.getID()), Input.id("Issuer", issuer, 1024),
            Input.text("Destination", r.getDestination(), 2048, false), r.getIssueInstant(), r.getNotOnOrAfter(),
            null, null, null, Input.id("NameID", nameId.getValue(), 1024),
            Input.text("NameID Format", nameId.getFormat(), 1024, false),
            Input.text("NameQualifier", nameId.getNameQualifier(), 1024, false),
            Input.text("SPNameQualifier", nameId.getSPNameQualifier(), 1024, false), indexes, relayState);
      }
      LogoutResponse r = (LogoutResponse) object;
      StatusCode code = r.getStatus() == null ? null : r.getStatus().getStatusCode();
      return new LogoutMessage(LogoutMessage.Kind.RESPONSE, id(r.getID()), Input.id("Issuer", issuer, 1024),
          Input.text("Destination", r.getDestination(), 2048, false), r.getIssueInstant(), null,
          Input.text("InResponseTo", r.getInResponseTo(), 256, false),
          code == null ? null : Input.text("StatusCode", code.getValue(), 1024, false),
          code == null || code.getStatusCode() == null ? null
              : Input.text("StatusCode", code.getStatusCode().getValue(), 1024, false),
          null, null, null, null, List.of(), relayState);
    } catch (InvalidInputException e) {
      throw new SloRefusedException(SloReason.MALFORMED, "the message of " + printable(issuer)
          + " carries a value that cannot be used: " + e.getMessage());
    }
  }

  private static String id(String id) {
    if (id == null || id.isBlank()) {
      throw new SloRefusedException(SloReason.MALFORMED, "the message has no ID");
    }
    return Input.id("ID", id, 256);
  }

  /** A value for the log: printable ASCII, at most 200 characters. */
  static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
  }
}
