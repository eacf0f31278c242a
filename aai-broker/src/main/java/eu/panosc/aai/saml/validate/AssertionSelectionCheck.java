package eu.panosc.aai.saml.validate;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.encryption.Decrypter;
import org.opensaml.saml.saml2.encryption.EncryptedElementTypeEncryptedKeyResolver;
import org.opensaml.security.credential.Credential;
import org.opensaml.security.credential.CredentialSupport;
import org.opensaml.xmlsec.encryption.EncryptedData;
import org.opensaml.xmlsec.encryption.EncryptedKey;
import org.opensaml.xmlsec.encryption.EncryptionMethod;
import org.opensaml.xmlsec.encryption.MGF;
import org.opensaml.xmlsec.encryption.support.ChainingEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.DecryptionException;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver;
import org.opensaml.xmlsec.signature.DigestMethod;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

/**
 * Picks the one assertion (the {@link MarkupCheck} made sure there is exactly one): the plain one, or the encrypted one
 * decrypted with our keys, but only if every algorithm is allowed: data AES-128/256-GCM; key transport RSA-OAEP
 * ({@code rsa-oaep-mgf1p} or xmlenc 1.1 {@code rsa-oaep}) with SHA-1 or SHA-256 digest and MGF1. RSA 1.5 (Bleichenbacher)
 * and AES-CBC (padding oracles) are refused before any decryption is attempted.
 *
 * @see <a href="https://www.w3.org/TR/xmlenc-core1/">XML Encryption 1.1 §5.4.2, §5.5.1</a>
 */
final class AssertionSelectionCheck implements Check {
  static final Set<String> DATA = Set.of(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
      EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM);
  static final Set<String> KEY_TRANSPORT = Set.of(EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP,
      EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP11);
  static final Set<String> OAEP_DIGESTS = Set.of(SignatureConstants.ALGO_ID_DIGEST_SHA1,
      SignatureConstants.ALGO_ID_DIGEST_SHA256);
  static final Set<String> MGFS = Set.of(EncryptionConstants.ALGO_ID_MGF1_SHA1, EncryptionConstants.ALGO_ID_MGF1_SHA256);

  @Override
  public void check(Inspection in) {
    if (!in.response.getAssertions().isEmpty()) {
      in.assertion = in.response.getAssertions().get(0);
      return;
    }
    EncryptedAssertion encrypted = in.response.getEncryptedAssertions().get(0);
    String responseId = MarkupCheck.printable(in.response.getID());
    List<EncryptedKey> encryptedKeys = checkAlgorithms(encrypted, responseId);
    List<Credential> keys = new ArrayList<>();
    ordered(encryptedKeys, in.expected.decryptionKeys())
        .forEach(k -> keys.add(CredentialSupport.getSimpleCredential(k.certificate(), k.privateKey())));
    if (keys.isEmpty()) {
      throw Check.reject(Reason.DECRYPTION, "Response " + responseId
          + " carries an encrypted assertion but no SP decryption key is configured");
    }
    Set<String> allowed = new HashSet<>();
    allowed.addAll(DATA);
    allowed.addAll(KEY_TRANSPORT);
    allowed.addAll(OAEP_DIGESTS);
    allowed.addAll(MGFS);
    Decrypter decrypter = new Decrypter(null, new StaticKeyInfoCredentialResolver(keys),
        new ChainingEncryptedKeyResolver(List.of(new InlineEncryptedKeyResolver(),
            new EncryptedElementTypeEncryptedKeyResolver())), allowed, null);
    decrypter.setRootInNewDocument(true);
    Assertion assertion;
    try {
      assertion = decrypter.decrypt(encrypted);
    } catch (DecryptionException | RuntimeException e) {
      throw Check.reject(Reason.DECRYPTION, "the encrypted assertion of Response " + responseId
          + " could not be decrypted with any of our " + keys.size()
          + " SP keys (was it encrypted to a key in our current metadata?)");
    }
    if (assertion == null || assertion.getDOM() == null) {
      throw Check.reject(Reason.DECRYPTION, "the encrypted assertion of Response " + responseId + " is empty");
    }
    MarkupCheck.checkDecrypted(assertion.getDOM());
    in.assertion = assertion;
    in.encrypted = true;
  }

  /**
   * Our keys, those whose certificate an EncryptedKey's KeyInfo names first: during a rotation the right key is tried
   * first (the library logs every failed try as an error). A KeyInfo is only a hint; any key may still open the data.
   */
  static List<Expectation.DecryptionKey> ordered(List<EncryptedKey> encryptedKeys,
      List<Expectation.DecryptionKey> keys) {
    Set<X509Certificate> named = new HashSet<>();
    for (EncryptedKey key : encryptedKeys) {
      if (key.getKeyInfo() != null) {
        try {
          named.addAll(KeyInfoSupport.getCertificates(key.getKeyInfo()));
        } catch (CertificateException | RuntimeException e) {
          // an unreadable hint is no hint
        }
      }
    }
    if (named.isEmpty()) {
      return keys;
    }
    List<Expectation.DecryptionKey> first = new ArrayList<>();
    List<Expectation.DecryptionKey> rest = new ArrayList<>();
    for (Expectation.DecryptionKey key : keys) {
      (named.contains(key.certificate()) ? first : rest).add(key);
    }
    first.addAll(rest);
    return first;
  }

  private static List<EncryptedKey> checkAlgorithms(EncryptedAssertion encrypted, String responseId) {
    EncryptedData data = encrypted.getEncryptedData();
    if (data == null) {
      throw Check.reject(Reason.MALFORMED, "the encrypted assertion of Response " + responseId + " has no data");
    }
    String dataAlgorithm = algorithm(data.getEncryptionMethod());
    if (!SignatureVerifier.allowed(DATA, dataAlgorithm)) {
      throw Check.reject(Reason.ALGORITHM, "the encrypted assertion of Response " + responseId + " uses "
          + MarkupCheck.printable(dataAlgorithm) + "; only AES-GCM (128 or 256) is accepted");
    }
    List<EncryptedKey> keys = new ArrayList<>(encrypted.getEncryptedKeys());
    if (data.getKeyInfo() != null) {
      keys.addAll(data.getKeyInfo().getEncryptedKeys());
    }
    if (keys.isEmpty()) {
      throw Check.reject(Reason.DECRYPTION, "the encrypted assertion of Response " + responseId + " has no EncryptedKey");
    }
    for (EncryptedKey key : keys) {
      EncryptionMethod method = key.getEncryptionMethod();
      String transport = algorithm(method);
      if (!SignatureVerifier.allowed(KEY_TRANSPORT, transport)) {
        throw Check.reject(Reason.ALGORITHM, "the key of the encrypted assertion of Response " + responseId + " uses "
            + MarkupCheck.printable(transport) + "; only RSA-OAEP is accepted");
      }
      for (XMLObject o : method.getUnknownXMLObjects(DigestMethod.DEFAULT_ELEMENT_NAME)) {
        String digest = o instanceof DigestMethod d ? d.getAlgorithm() : null;
        if (!SignatureVerifier.allowed(OAEP_DIGESTS, digest)) {
          throw Check.reject(Reason.ALGORITHM, "the key of the encrypted assertion of Response " + responseId
              + " uses OAEP digest " + MarkupCheck.printable(digest) + "; only SHA-1 or SHA-256 is accepted");
        }
      }
      for (XMLObject o : method.getUnknownXMLObjects(MGF.DEFAULT_ELEMENT_NAME)) {
        String mgf = o instanceof MGF m ? m.getAlgorithm() : null;
        if (!SignatureVerifier.allowed(MGFS, mgf)) {
          throw Check.reject(Reason.ALGORITHM, "the key of the encrypted assertion of Response " + responseId
              + " uses mask generation " + MarkupCheck.printable(mgf) + "; only MGF1 with SHA-1 or SHA-256 is accepted");
        }
      }
    }
    return keys;
  }

  private static String algorithm(EncryptionMethod method) {
    return method == null ? null : method.getAlgorithm();
  }
}
