package eu.panosc.registry.federation;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.registry.saml.XmlSigning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs the SAML metadata aggregate and MDQ answers: PEM files named by
 * {@code services.registry.samlSigningKey} and {@code samlSigningCertificate}, or else a self-signed
 * RSA 3072 key generated once with the JDK's keytool under {@code <dataDir>/registry/} and kept.
 * Blocking.
 */
public final class SamlSigningKey {
  private static final Logger LOG = LoggerFactory.getLogger(SamlSigningKey.class);

  private SamlSigningKey() {}

  public static XmlSigning load(ConfigNode section, Path dataDir, String subjectHost) {
    var key = section.optionalString("samlSigningKey");
    var cert = section.optionalString("samlSigningCertificate");
    if (key.isPresent() != cert.isPresent()) {
      throw new ConfigException(section.path() + (key.isPresent() ? ".samlSigningCertificate" : ".samlSigningKey"),
          "samlSigningKey and samlSigningCertificate must be given together (PEM files)");
    }
    if (key.isPresent()) {
      return XmlSigning.fromPemFiles(Path.of(key.get()), Path.of(cert.get()));
    }
    return generated(dataDir.resolve("registry"), subjectHost);
  }

  private static XmlSigning generated(Path dir, String subjectHost) {
    Path store = dir.resolve("saml-signing.p12");
    Path pass = dir.resolve("saml-signing.pass");
    try {
      Files.createDirectories(dir);
      if (!Files.exists(store)) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(pass, password);
        try {
          Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ProcessBuilder p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "saml", "-keyalg", "RSA",
            "-keysize", "3072", "-sigalg", "SHA256withRSA", "-validity", "3650", "-storetype", "PKCS12",
            "-dname", "CN=" + subjectHost + " metadata signer, O=PaNOSC", "-keystore", store.toString(),
            "-storepass:env", "PANOSC_KS_PASS"))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        p.environment().put("PANOSC_KS_PASS", password);
        Process started = p.start();
        if (!started.waitFor(60, TimeUnit.SECONDS) || started.exitValue() != 0) {
          throw new IllegalStateException("keytool could not generate the SAML signing key");
        }
        LOG.info("generated a self-signed SAML metadata signing key in {}", store);
      }
      char[] password = Files.readString(pass).trim().toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, password);
      }
      return new XmlSigning((PrivateKey) ks.getKey("saml", password), (X509Certificate) ks.getCertificate("saml"));
    } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot prepare the SAML signing key in " + dir + ": " + e.getMessage(), e);
    }
  }
}
