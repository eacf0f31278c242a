package eu.panosc.aai.saml.sp;

import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.security.SecureRandom;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnContextComparisonTypeEnumeration;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameIDPolicy;
import org.opensaml.saml.saml2.core.RequestedAuthnContext;

/**
 * Builds the broker's AuthnRequests for the HTTP-Redirect binding, signed over the query string with the current SP
 * signing key (RSA-SHA256): a fresh ID (returned, for the flow state), the IdP's SSO URL as Destination, our ACS
 * (HTTP-POST), {@code ForceAuthn} for {@code prompt=login}, and the client's {@code acr_values} as an exact
 * {@code RequestedAuthnContext} (e.g. REFEDS MFA {@code https://refeds.org/profile/mfa}).
 */
public final class AuthnRequests {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SpEndpoints sp;
  private final SamlKeys signing;
  private final Clock clock;

  public AuthnRequests(SpEndpoints sp, SamlKeys signing, Clock clock) {
    this.sp = Objects.requireNonNull(sp, "sp");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A new AuthnRequest ID: 160 random bits, an xs:ID (starts with an underscore). */
  public static String newRequestId() {
    byte[] id = new byte[20];
    RANDOM.nextBytes(id);
    return "_" + HexFormat.of().formatHex(id);
  }

  /** A redirect to the IdP: the URL to send the browser to, and the AuthnRequest's ID. */
  public record Redirect(String url, String requestId) {}

  /**
   * @param ssoUrl the IdP's SingleSignOnService location for HTTP-Redirect
   * @param requestedAcr authentication context classes to ask for (empty: none)
   * @param forceAuthn true for {@code prompt=login}
   * @param relayState the opaque flow handle
   */
  public Redirect redirect(String ssoUrl, List<String> requestedAcr, boolean forceAuthn, String relayState) {
    return redirect(ssoUrl, requestedAcr, forceAuthn, relayState, newRequestId());
  }

  /** As {@link #redirect(String, List, boolean, String)}, with the AuthnRequest ID chosen by the caller. */
  public Redirect redirect(String ssoUrl, List<String> requestedAcr, boolean forceAuthn, String relayState,
      String requestId) {
    AuthnRequest request = request(ssoUrl, requestedAcr, forceAuthn, requestId);
    String query = RedirectBinding.signedQuery("SAMLRequest", SamlObjects.toXml(request), relayState,
        signing.current().getPrivateKey());
    return new Redirect(ssoUrl + (ssoUrl.contains("?") ? "&" : "?") + query, request.getID());
  }

  /** The unsigned AuthnRequest (signed over the query by {@link #redirect}). */
  AuthnRequest request(String ssoUrl, List<String> requestedAcr, boolean forceAuthn) {
    return request(ssoUrl, requestedAcr, forceAuthn, newRequestId());
  }

  private AuthnRequest request(String ssoUrl, List<String> requestedAcr, boolean forceAuthn, String requestId) {
    Objects.requireNonNull(ssoUrl, "ssoUrl");
    AuthnRequest request = SamlObjects.build(AuthnRequest.DEFAULT_ELEMENT_NAME);
    request.setID(Objects.requireNonNull(requestId, "requestId"));
    request.setVersion(SAMLVersion.VERSION_20);
    request.setIssueInstant(clock.instant());
    request.setDestination(ssoUrl);
    request.setAssertionConsumerServiceURL(sp.assertionConsumer());
    request.setProtocolBinding(SAMLConstants.SAML2_POST_BINDING_URI);
    if (forceAuthn) {
      request.setForceAuthn(true);
    }
    Issuer issuer = SamlObjects.build(Issuer.DEFAULT_ELEMENT_NAME);
    issuer.setValue(sp.entityId());
    request.setIssuer(issuer);
    NameIDPolicy policy = SamlObjects.build(NameIDPolicy.DEFAULT_ELEMENT_NAME);
    policy.setAllowCreate(true);
    request.setNameIDPolicy(policy);
    if (!requestedAcr.isEmpty()) {
      RequestedAuthnContext context = SamlObjects.build(RequestedAuthnContext.DEFAULT_ELEMENT_NAME);
      context.setComparison(AuthnContextComparisonTypeEnumeration.EXACT);
      for (String acr : requestedAcr) {
        AuthnContextClassRef ref = SamlObjects.build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
        ref.setURI(acr);
        context.getAuthnContextClassRefs().add(ref);
      }
      request.setRequestedAuthnContext(context);
    }
    return request;
  }
}
