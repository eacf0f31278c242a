package eu.panosc.registry.model;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** PEM certificates given to the admin API (pinned IdP signing certificates). */
public final class Certificates {
  private Certificates() {}

  /** Parses one PEM (or bare base64) X.509 certificate, failing with a problem naming {@code field}. */
  public static X509Certificate parsePem(String field, String pem) {
    String b64 = pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
        .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(b64.getBytes(StandardCharsets.US_ASCII));
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
      throw Fields.invalid(field, "is not a PEM X.509 certificate");
    }
  }
}
