package eu.panosc.aai.saml.metadata;

import eu.panosc.aai.saml.xml.SamlXml;
import eu.panosc.aai.saml.xml.XmlRefusedException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.saml2mdattr.EntityAttributes;
import org.opensaml.saml.ext.saml2mdui.DisplayName;
import org.opensaml.saml.ext.saml2mdui.UIInfo;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.Extensions;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.NameIDFormat;
import org.opensaml.saml.saml2.metadata.OrganizationDisplayName;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.credential.UsageType;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.impl.SignatureImpl;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;

/**
 * Reads a SAML metadata document (an {@code EntitiesDescriptor}, possibly nested, or one {@code EntityDescriptor})
 * with the hardened {@link SamlXml} parser, verifies the signature on its root against a pinned certificate only (the
 * SAML signature profile, SHA-2 RSA/ECDSA; a KeyInfo in the document is never used), refuses it once expired, and
 * indexes its IdPs by entity id. An IdP listed twice is left out (which of its copies holds the right keys cannot be
 * told). OpenSAML types stay inside this class.
 */
final class MetadataReader {
  static final String SHIBMD_NS = "urn:mace:shibboleth:metadata:1.0";
  static final QName SCOPE = new QName(SHIBMD_NS, "Scope");
  private static final Set<String> SIGNATURE_ALGORITHMS = Set.of(
      SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA384,
      SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA512, SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA256,
      SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA384, SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA512);
  private static final Set<String> DIGEST_ALGORITHMS = Set.of(SignatureConstants.ALGO_ID_DIGEST_SHA256,
      SignatureConstants.ALGO_ID_DIGEST_SHA384, SignatureConstants.ALGO_ID_DIGEST_SHA512);

  private final SamlXml xml = SamlXml.get();
  private final int maxBytes;

  /** @param maxBytes the largest document accepted (an eduGAIN aggregate is about 50 MB) */
  MetadataReader(int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Reads {@code bytes}.
   *
   * @param pinned the certificate the root's signature must verify under; empty: no signature is required (a local
   *     file only), though a document without {@code validUntil} is then valid forever
   * @param now the time the document must still be valid at
   */
  MetadataDocument read(byte[] bytes, Optional<X509Certificate> pinned, Instant now)
      throws MetadataRefusedException {
    XMLObject root;
    try {
      root = xml.unmarshal(bytes, maxBytes);
    } catch (XmlRefusedException e) {
      throw new MetadataRefusedException(switch (e.kind()) {
        case TOO_LARGE -> MetadataRefusedException.Kind.TOO_LARGE;
        case DOCTYPE -> MetadataRefusedException.Kind.DOCTYPE;
        case MALFORMED -> MetadataRefusedException.Kind.MALFORMED;
      }, e.getMessage());
    }
    if (!(root instanceof EntitiesDescriptor) && !(root instanceof EntityDescriptor)) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.MALFORMED,
          "the document is not SAML metadata (root " + root.getElementQName().getLocalPart() + ")");
    }
    if (pinned.isPresent()) {
      verify((SignableSAMLObject) root, pinned.get());
    }
    Instant validUntil = root instanceof EntitiesDescriptor es ? es.getValidUntil()
        : ((EntityDescriptor) root).getValidUntil();
    Duration cacheDuration = root instanceof EntitiesDescriptor es ? es.getCacheDuration()
        : ((EntityDescriptor) root).getCacheDuration();
    if (validUntil == null && pinned.isPresent()) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.EXPIRED,
          "the signed metadata has no validUntil, so a replayed old copy could not be told apart");
    }
    Instant until = validUntil == null ? Instant.MAX : validUntil;
    if (!now.isBefore(until)) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.EXPIRED,
          "the metadata expired at " + validUntil + " (now " + now + ")");
    }
    Map<String, IdpMetadata> byId = new HashMap<>();
    Set<String> duplicates = new java.util.TreeSet<>();
    collect(root, until, cacheDuration, byId, duplicates);
    duplicates.forEach(byId::remove);
    return new MetadataDocument(byId, until, Optional.ofNullable(cacheDuration), duplicates);
  }

  private static void verify(SignableSAMLObject root, X509Certificate pinned) throws MetadataRefusedException {
    Signature signature = root.getSignature();
    if (signature == null) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.UNSIGNED, "the metadata is not signed");
    }
    String id = root.getSignatureReferenceID();
    if (id == null || id.isEmpty()) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.SIGNATURE_INVALID,
          "the signed metadata root has no ID for its signature to reference");
    }
    try {
      new SAMLSignatureProfileValidator().validate(signature);
    } catch (SignatureException | RuntimeException e) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.SIGNATURE_INVALID,
          "the metadata signature does not follow the SAML signature profile");
    }
    String algorithm = signature.getSignatureAlgorithm();
    if (algorithm == null || !SIGNATURE_ALGORITHMS.contains(algorithm)) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.SIGNATURE_INVALID,
          "the metadata is signed with " + printable(algorithm) + "; only RSA/ECDSA with SHA-256/384/512 are accepted");
    }
    String digest = null;
    if (signature instanceof SignatureImpl impl && impl.getXMLSignature() != null) {
      try {
        var method = impl.getXMLSignature().getSignedInfo().item(0).getMessageDigestAlgorithm();
        digest = method == null ? null : method.getAlgorithmURI();
      } catch (XMLSecurityException | RuntimeException e) {
        digest = null;
      }
    }
    if (digest == null || !DIGEST_ALGORITHMS.contains(digest)) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.SIGNATURE_INVALID,
          "the metadata signature uses the digest " + printable(digest) + "; only SHA-256/384/512 are accepted");
    }
    try {
      SignatureValidator.validate(signature, new BasicX509Credential(pinned));
    } catch (SignatureException | RuntimeException e) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.SIGNATURE_INVALID,
          "the metadata signature does not verify under the pinned certificate "
              + pinned.getSubjectX500Principal().getName());
    }
  }

  private static void collect(XMLObject node, Instant until, Duration cache, Map<String, IdpMetadata> out,
      Set<String> duplicates) {
    if (node instanceof EntitiesDescriptor es) {
      Instant u = earlier(until, es.getValidUntil());
      Duration c = shorter(cache, es.getCacheDuration());
      for (EntitiesDescriptor nested : es.getEntitiesDescriptors()) {
        collect(nested, u, c, out, duplicates);
      }
      for (EntityDescriptor e : es.getEntityDescriptors()) {
        collect(e, u, c, out, duplicates);
      }
    } else if (node instanceof EntityDescriptor e) {
      IDPSSODescriptor idp = e.getIDPSSODescriptor(SAMLConstants.SAML20P_NS);
      if (idp == null || e.getEntityID() == null) {
        return;
      }
      IdpMetadata m = idp(e, idp, earlier(until, e.getValidUntil()), shorter(cache, e.getCacheDuration()));
      if (out.putIfAbsent(m.entityId(), m) != null) {
        duplicates.add(m.entityId());
      }
    }
  }

  private static IdpMetadata idp(EntityDescriptor e, IDPSSODescriptor idp, Instant until, Duration cache) {
    List<X509Certificate> signing = new ArrayList<>();
    List<X509Certificate> encryption = new ArrayList<>();
    for (KeyDescriptor kd : idp.getKeyDescriptors()) {
      UsageType use = kd.getUse() == null ? UsageType.UNSPECIFIED : kd.getUse();
      List<X509Certificate> certs;
      try {
        certs = kd.getKeyInfo() == null ? List.of() : KeyInfoSupport.getCertificates(kd.getKeyInfo());
      } catch (CertificateException e1) {
        continue;
      }
      if (use != UsageType.ENCRYPTION) {
        signing.addAll(certs);
      }
      if (use != UsageType.SIGNING) {
        encryption.addAll(certs);
      }
    }
    Map<IdpMetadata.Binding, String> sso = new LinkedHashMap<>();
    for (SingleSignOnService s : idp.getSingleSignOnServices()) {
      IdpMetadata.Binding.of(s.getBinding()).ifPresent(b -> {
        if (s.getLocation() != null) {
          sso.putIfAbsent(b, s.getLocation());
        }
      });
    }
    Map<IdpMetadata.Binding, String> slo = new LinkedHashMap<>();
    for (SingleLogoutService s : idp.getSingleLogoutServices()) {
      IdpMetadata.Binding.of(s.getBinding()).ifPresent(b -> {
        if (s.getLocation() != null) {
          slo.putIfAbsent(b, s.getLocation());
        }
      });
    }
    List<IdpMetadata.Scope> scopes = scopes(idp.getExtensions());
    if (scopes.isEmpty()) {
      scopes = scopes(e.getExtensions());
    }
    List<String> formats = new ArrayList<>();
    for (NameIDFormat f : idp.getNameIDFormats()) {
      if (f.getURI() != null) {
        formats.add(f.getURI().strip());
      }
    }
    return new IdpMetadata(e.getEntityID(), signing, encryption, sso, slo, scopes, formats, entityAttributes(e),
        displayName(e, idp), until, Optional.ofNullable(cache));
  }

  private static List<IdpMetadata.Scope> scopes(Extensions extensions) {
    List<IdpMetadata.Scope> out = new ArrayList<>();
    if (extensions == null) {
      return out;
    }
    for (XMLObject o : extensions.getUnknownXMLObjects(SCOPE)) {
      Element el = o.getDOM();
      if (el != null) {
        String regexp = el.getAttributeNS(null, "regexp").strip();
        out.add(new IdpMetadata.Scope(el.getTextContent().strip(), "true".equals(regexp) || "1".equals(regexp)));
      }
    }
    return out;
  }

  private static Map<String, List<String>> entityAttributes(EntityDescriptor e) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (e.getExtensions() == null) {
      return out;
    }
    for (XMLObject o : e.getExtensions().getUnknownXMLObjects(EntityAttributes.DEFAULT_ELEMENT_NAME)) {
      if (o instanceof EntityAttributes ea) {
        for (Attribute a : ea.getAttributes()) {
          if (a.getName() == null) {
            continue;
          }
          List<String> values = out.computeIfAbsent(a.getName(), k -> new ArrayList<>());
          for (XMLObject v : a.getAttributeValues()) {
            if (v.getDOM() != null) {
              values.add(v.getDOM().getTextContent().strip());
            }
          }
        }
      }
    }
    return out;
  }

  private static Optional<String> displayName(EntityDescriptor e, IDPSSODescriptor idp) {
    if (idp.getExtensions() != null) {
      String first = null;
      for (XMLObject o : idp.getExtensions().getUnknownXMLObjects(UIInfo.DEFAULT_ELEMENT_NAME)) {
        if (o instanceof UIInfo ui) {
          for (DisplayName d : ui.getDisplayNames()) {
            if (d.getValue() == null) {
              continue;
            }
            if ("en".equals(d.getXMLLang())) {
              return Optional.of(d.getValue().strip());
            }
            first = first == null ? d.getValue().strip() : first;
          }
        }
      }
      if (first != null) {
        return Optional.of(first);
      }
    }
    if (e.getOrganization() != null) {
      for (OrganizationDisplayName d : e.getOrganization().getDisplayNames()) {
        if (d.getValue() != null) {
          return Optional.of(d.getValue().strip());
        }
      }
    }
    return Optional.empty();
  }

  private static Instant earlier(Instant a, Instant b) {
    return b == null || a.isBefore(b) ? a : b;
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }

  static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
