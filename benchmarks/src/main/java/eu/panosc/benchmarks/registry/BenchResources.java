package eu.panosc.benchmarks.registry;

import eu.panosc.registry.saml.XmlSigning;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The test keys and certificates copied from federation-registry's test resources to {@code /registry/}. */
final class BenchResources {
  private BenchResources() {}

  static String resource(String name) {
    try (InputStream in = BenchResources.class.getResourceAsStream("/registry/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing benchmark resource /registry/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The registry's metadata signing key (RSA 3072) and certificate. */
  static XmlSigning registrySigning() {
    return XmlSigning.fromPem(resource("registry-key.pem"), resource("registry-cert.pem"));
  }

  /** Base64 body of a certificate, as it appears in ds:X509Certificate. */
  static String certificateBase64(String name) {
    return resource(name + "-cert.pem")
        .replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "")
        .strip();
  }
}
