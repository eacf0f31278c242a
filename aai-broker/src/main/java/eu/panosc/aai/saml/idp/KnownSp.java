package eu.panosc.aai.saml.idp;

import eu.panosc.aai.saml.sp.SamlObjects;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.metadata.AssertionConsumerService;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SPSSODescriptor;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;

/**
 * A service provider the demo IdP answers, as its SAML metadata describes it: entity id, the HTTP-POST assertion
 * consumer service, the certificates its AuthnRequests must be signed with, its encryption certificate (the
 * first one listed: the current key), if any, and its HTTP-Redirect Single Logout endpoint, if any.
 */
record KnownSp(String entityId, String assertionConsumer, List<X509Certificate> signing,
    Optional<X509Certificate> encryption, Optional<String> singleLogout) {
  KnownSp {
    signing = List.copyOf(signing);
  }

  KnownSp(String entityId, String assertionConsumer, List<X509Certificate> signing,
      Optional<X509Certificate> encryption) {
    this(entityId, assertionConsumer, signing, encryption, Optional.empty());
  }

  /**
   * Reads an SP's metadata (an EntityDescriptor with an SPSSODescriptor).
   *
   * @throws IllegalArgumentException when it is not usable SP metadata
   */
  static KnownSp fromMetadata(String xml) {
    if (!(SamlObjects.parse(xml.getBytes(StandardCharsets.UTF_8)) instanceof EntityDescriptor entity)) {
      throw new IllegalArgumentException("not an EntityDescriptor");
    }
    SPSSODescriptor sp = entity.getSPSSODescriptor(SAMLConstants.SAML20P_NS);
    if (sp == null) {
      throw new IllegalArgumentException(entity.getEntityID() + " has no SAML 2.0 SPSSODescriptor");
    }
    String acs = sp.getAssertionConsumerServices().stream()
        .filter(a -> SAMLConstants.SAML2_POST_BINDING_URI.equals(a.getBinding()))
        .map(AssertionConsumerService::getLocation).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(entity.getEntityID() + " has no HTTP-POST ACS"));
    List<X509Certificate> signing = new ArrayList<>();
    List<X509Certificate> encryption = new ArrayList<>();
    for (KeyDescriptor kd : sp.getKeyDescriptors()) {
      List<X509Certificate> certs = certificates(kd);
      if (kd.getUse() == UsageType.SIGNING || kd.getUse() == UsageType.UNSPECIFIED || kd.getUse() == null) {
        signing.addAll(certs);
      }
      if (kd.getUse() == UsageType.ENCRYPTION || kd.getUse() == UsageType.UNSPECIFIED || kd.getUse() == null) {
        encryption.addAll(certs);
      }
    }
    if (signing.isEmpty()) {
      throw new IllegalArgumentException(entity.getEntityID() + " has no signing key");
    }
    Optional<String> slo = sp.getSingleLogoutServices().stream()
        .filter(l -> SAMLConstants.SAML2_REDIRECT_BINDING_URI.equals(l.getBinding()))
        .map(l -> l.getResponseLocation() != null ? l.getResponseLocation() : l.getLocation()).findFirst();
    return new KnownSp(entity.getEntityID(), acs, signing, encryption.stream().findFirst(), slo);
  }

  private static List<X509Certificate> certificates(KeyDescriptor kd) {
    try {
      return kd.getKeyInfo() == null ? List.of() : KeyInfoSupport.getCertificates(kd.getKeyInfo());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("a KeyDescriptor holds an unreadable certificate", e);
    }
  }
}
