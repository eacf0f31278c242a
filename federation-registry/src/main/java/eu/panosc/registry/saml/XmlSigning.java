package eu.panosc.registry.saml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.algorithms.SignatureAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The registry's metadata signing key and certificate, loaded from PEM, and the enveloped XML signatures
 * made with them (Santuario): RSA-SHA256 for RSA keys, ECDSA-SHA256 for EC keys; SHA-256 digest; exclusive
 * C14N for SignedInfo and reference; the reference names the signed element's {@code ID}; the signature
 * becomes the element's first child as the SAML metadata schema requires.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata §3</a>
 * @see <a href="https://www.w3.org/TR/xmldsig-core1/">XML Signature 1.1</a>
 */
public final class XmlSigning {
  static {
    Init.init();
  }

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final String signatureAlgorithm;

  /** Pairs a private key with its certificate; fails if they do not belong together. */
  public XmlSigning(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    if (privateKey instanceof RSAPrivateKey) {
      signatureAlgorithm = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
    } else if (privateKey instanceof ECPrivateKey) {
      signatureAlgorithm = XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256;
    } else {
      throw new IllegalArgumentException(
          "metadata signing key must be RSA or EC, not " + privateKey.getAlgorithm());
    }
    requireMatchingPair(privateKey, certificate.getPublicKey());
  }

  /** Loads a PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}) and a PEM certificate. */
  public static XmlSigning fromPemFiles(Path privateKeyPem, Path certificatePem) {
    try {
      return fromPem(Files.readString(privateKeyPem), Files.readString(certificatePem));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read metadata signing key or certificate: " + e.getMessage(), e);
    }
  }

  /** Parses a PKCS#8 PEM private key and a PEM certificate. */
  public static XmlSigning fromPem(String privateKeyPem, String certificatePem) {
    return new XmlSigning(readPrivateKey(privateKeyPem), readCertificate(certificatePem));
  }

  /** Parses the first certificate of a PEM text, e.g. a pinned upstream federation signer. */
  public static X509Certificate readCertificate(String pem) {
    byte[] der = pemBlock(pem, "CERTIFICATE");
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** Parses a PKCS#8 PEM private key (RSA or EC). */
  public static PrivateKey readPrivateKey(String pem) {
    if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "private key is in a legacy PEM format; convert it with: openssl pkcs8 -topk8 -nocrypt");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pemBlock(pem, "PRIVATE KEY"));
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("private key is neither an RSA nor an EC PKCS#8 key");
  }

  /** The certificate published in KeyInfo and given to relying parties. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The XML Signature algorithm URI used. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /**
   * Signs {@code root} with an enveloped signature: sets and registers its {@code ID} attribute to
   * {@code id} and inserts the signature as its first child.
   */
  public void signEnveloped(Element root, String id) {
    Document doc = root.getOwnerDocument();
    root.setAttributeNS(null, "ID", id);
    root.setIdAttributeNS(null, "ID", true);
    try {
      XMLSignature signature = newSignature(doc, id);
      root.insertBefore(signature.getElement(), root.getFirstChild());
      signature.sign(privateKey);
    } catch (XMLSecurityException e) {
      throw new IllegalStateException("signing metadata failed", e);
    }
  }

  /**
   * Makes the {@code ds:Signature} element for an element with ID {@code id} whose transformed content
   * (enveloped-signature, then exclusive C14N) has the SHA-256 digest {@code digest}, computed by the
   * caller while streaming. Returns the element in exclusive-canonical form, ready to be written as the
   * first child. This is what lets an aggregate of 12 000 entities be signed without a DOM of it.
   */
  byte[] signatureForDigest(String id, byte[] digest) {
    try {
      Document doc = newDocument();
      Element root = doc.createElementNS(SamlNames.MD, "md:EntitiesDescriptor");
      doc.appendChild(root);
      root.setAttributeNS(null, "ID", id);
      root.setIdAttributeNS(null, "ID", true);
      XMLSignature signature = newSignature(doc, id);
      root.appendChild(signature.getElement());
      SignedInfo signedInfo = signature.getSignedInfo();
      Element reference = signedInfo.item(0).getElement();
      child(reference, "DigestValue").setTextContent(Base64.getEncoder().encodeToString(digest));
      SignatureAlgorithm algorithm = signedInfo.getSignatureAlgorithm();
      algorithm.initSign(privateKey);
      algorithm.update(signedInfo.getCanonicalizedOctetStream());
      child(signature.getElement(), "SignatureValue")
          .setTextContent(Base64.getEncoder().encodeToString(algorithm.sign()));
      return canonicalize(signature.getElement(), Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    } catch (XMLSecurityException | IOException e) {
      throw new IllegalStateException("signing the metadata aggregate failed", e);
    }
  }

  private XMLSignature newSignature(Document doc, String id) throws XMLSecurityException {
    XMLSignature signature =
        new XMLSignature(doc, "", signatureAlgorithm, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    Transforms transforms = new Transforms(doc);
    transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
    transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
    signature.addDocument("#" + id, transforms, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    signature.addKeyInfo(certificate);
    return signature;
  }

  static byte[] canonicalize(Node node, String algorithm) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      Canonicalizer.getInstance(algorithm).canonicalizeSubtree(node, out);
      return out.toByteArray();
    } catch (XMLSecurityException e) {
      throw new MetadataException("metadata XML cannot be canonicalized", e);
    }
  }

  private static Element child(Element parent, String dsLocalName) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && SamlNames.DS.equals(e.getNamespaceURI())
          && dsLocalName.equals(e.getLocalName())) {
        return e;
      }
    }
    throw new IllegalStateException("no ds:" + dsLocalName + " in " + parent.getLocalName());
  }

  static Document newDocument() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
      f.setNamespaceAware(true);
      return f.newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pemBlock(String pem, String type) {
    Matcher m = PEM.matcher(Objects.requireNonNull(pem, "pem"));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        return Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII));
      }
    }
    throw new IllegalArgumentException("no PEM block '" + type + "' found");
  }

  private static void requireMatchingPair(PrivateKey privateKey, PublicKey publicKey) {
    String jca = privateKey instanceof RSAPrivateKey ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "panosc-metadata-key-check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(jca);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] value = signer.sign();
      Signature verifier = Signature.getInstance(jca);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(value)) {
        throw new IllegalArgumentException("metadata signing key does not match its certificate");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("metadata signing key does not match its certificate", e);
    }
  }
}
