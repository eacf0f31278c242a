package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

class AssertionSelectionCheckTest {
  private final AssertionSelectionCheck check = new AssertionSelectionCheck();

  private static FixtureIdp.Spec encrypted(String data, String transport, String digest, String mgf) {
    return FixtureIdp.valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_KEY.certificate(),
        data, transport, digest, mgf));
  }

  @Test
  void checkWhenPlainThenThatAssertionNotMarkedEncrypted() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion = null;

    check.check(in);

    assertThat(in.assertion().getID()).isEqualTo(FixtureIdp.valid().assertionId);
    assertThat(in.encrypted).isFalse();
  }

  @Test
  void checkWhenEncryptedWithAllowedAlgorithmsThenDecryptedAndMarked() {
    Inspection in = Inspections.of(encrypted(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP11, SignatureConstants.ALGO_ID_DIGEST_SHA256,
        EncryptionConstants.ALGO_ID_MGF1_SHA1));

    check.check(in);

    assertThat(in.assertion().getID()).isEqualTo(FixtureIdp.valid().assertionId);
    assertThat(in.assertion().getSignature()).isNotNull();
    assertThat(in.encrypted).isTrue();
  }

  @Test
  void checkWhenRsa15ThenAlgorithmBeforeAnyDecryption() {
    Inspection in = Inspections.of(encrypted(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSA15, null, null));

    assertThat(refused(() -> check.check(in), Reason.ALGORITHM)).contains("rsa-1_5");
    assertThat(in.assertion).isNull();
  }

  @Test
  void checkWhenAesCbcThenAlgorithm() {
    Inspection in = Inspections.of(encrypted(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null, null));

    assertThat(refused(() -> check.check(in), Reason.ALGORITHM)).contains("aes256-cbc");
  }

  @Test
  void checkWhenOaepDigestSha512ThenAlgorithm() {
    Inspection in = Inspections.of(encrypted(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, SignatureConstants.ALGO_ID_DIGEST_SHA512, null));

    refused(() -> check.check(in), Reason.ALGORITHM);
  }

  @Test
  void checkWhenNoSpKeyIsConfiguredThenDecryption() {
    Expectation keyless = new Expectation(FixtureIdp.SP, FixtureIdp.ACS, FixtureIdp.REQUEST, FixtureIdp.IDP,
        List.of(FixtureIdp.IDP_KEY.certificate()), List.of(), FixtureIdp.NOW, FixtureIdp.SKEW);
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.encryption = FixtureIdp.Encryption.standard()),
        keyless);

    assertThat(refused(() -> check.check(in), Reason.DECRYPTION)).contains("no SP decryption key");
  }

  @Test
  void checkWhenEncryptedToAKeyWeDoNotHoldThenDecryption() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.encryption = new FixtureIdp.Encryption(
        FixtureIdp.SP_OLD_KEY.certificate(), EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null, null)));

    refused(() -> check.check(in), Reason.DECRYPTION);
  }

  @Test
  void orderedWhenTheEncryptedKeyNamesOurOldCertificateThenTheOldKeyIsTriedFirst() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.encryption = new FixtureIdp.Encryption(
        FixtureIdp.SP_OLD_KEY.certificate(), EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null, null, true)));
    var encryptedKeys = in.response.getEncryptedAssertions().get(0).getEncryptedData().getKeyInfo().getEncryptedKeys();
    var current = FixtureIdp.SP_KEY.decryptionKey();
    var old = FixtureIdp.SP_OLD_KEY.decryptionKey();

    assertThat(AssertionSelectionCheck.ordered(encryptedKeys, List.of(current, old))).containsExactly(old, current);
    assertThat(AssertionSelectionCheck.ordered(List.of(), List.of(current, old))).containsExactly(current, old);
  }
}
