package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.saml.metadata.HttpMetadataFetcher;
import eu.panosc.aai.saml.metadata.IdpMetadata;
import eu.panosc.aai.saml.metadata.MdqMetadataSource;
import eu.panosc.aai.saml.metadata.MetadataRefusedException;
import eu.panosc.aai.saml.metadata.RefreshPolicy;
import eu.panosc.aai.saml.metadata.UrlMetadataSource;
import eu.panosc.platform.service.Platform;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aai-broker's MDQ client against the real federation-registry in demo mode (one process, as {@code panosc up
 * --demo} runs them): the registry signs with a key whose certificate the client pins, and the client looks up the
 * UmbrellaID stand-in the demo federation publishes; the URL source reads the registry's signed aggregate.
 */
class SamlMetadataMdqIT {
  private static final String UMBRELLAID = "https://umbrellaid.demo/idp";

  @TempDir
  Path dataDir;

  @Test
  void demoRegistryWhenIdpLookedUpOverMdqThenVerifiedCertificateAndSsoEndpoint() throws Exception {
    KeyPair keys = rsa();
    X509Certificate registryCert = selfSigned(keys, "registry");
    X509Certificate otherCert = selfSigned(rsa(), "other");
    Path key = Files.writeString(dataDir.resolve("saml-key.pem"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Path cert = Files.writeString(dataDir.resolve("saml-cert.pem"), pem("CERTIFICATE", registryCert.getEncoded()));
    Platform platform = AaiPlatform.start(dataDir.resolve("var"), true, Map.of(
        "services.registry.samlSigningKey", key.toString(), "services.registry.samlSigningCertificate",
        cert.toString()));
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      URI mdq = URI.create(platform.baseUrl() + "/registry/mdq");
      HttpMetadataFetcher fetcher = new HttpMetadataFetcher(Duration.ofSeconds(10), executor);
      RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(1), Duration.ofHours(6));
      MdqMetadataSource source = new MdqMetadataSource(mdq, registryCert, fetcher, 1 << 20, policy,
          Duration.ofMinutes(1), 1000, Clock.systemUTC());

      Optional<IdpMetadata> found = source.lookup(UMBRELLAID).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);

      assertThat(found).isPresent();
      IdpMetadata m = found.get();
      assertThat(m.entityId()).isEqualTo(UMBRELLAID);
      assertThat(m.signingCertificates()).hasSize(1);
      assertThat(m.singleSignOn()).containsEntry(IdpMetadata.Binding.REDIRECT, "https://umbrellaid.demo/idp/sso");
      assertThat(m.displayName()).contains("UmbrellaID (demo)");
      assertThat(m.validUntil()).isAfter(Instant.now());

      assertThat(source.lookup("https://unknown.demo/idp").toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS)).as("a 404 is an empty answer").isEmpty();

      UrlMetadataSource aggregate = new UrlMetadataSource(URI.create(mdq + "/entities"), registryCert, fetcher,
          1 << 24, policy, Clock.systemUTC());
      Optional<IdpMetadata> esrf = aggregate.lookup("https://idp.esrf.demo/idp").toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(esrf).as("the signed aggregate, verified and indexed").isPresent();
      assertThat(esrf.get().signingCertificates()).isNotEmpty();
      assertThat(aggregate.lookup(UMBRELLAID).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .map(x -> x.singleSignOn().get(IdpMetadata.Binding.REDIRECT))).contains("https://umbrellaid.demo/idp/sso");
      assertThat(aggregate.lookup("https://icat.ill.demo/saml/sp").toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS)).as("an SP is not an IdP").isEmpty();

      MdqMetadataSource wrongPin = new MdqMetadataSource(mdq, otherCert, fetcher, 1 << 20, policy,
          Duration.ofMinutes(1), 1000, Clock.systemUTC());
      var refused = wrongPin.lookup(UMBRELLAID).toCompletionStage().toCompletableFuture();
      assertThat(refused).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
          .havingRootCause().isInstanceOfSatisfying(MetadataRefusedException.class,
              e -> assertThat(e.kind()).isEqualTo(MetadataRefusedException.Kind.SIGNATURE_INVALID));
    } finally {
      executor.shutdownNow();
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(3072);
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair keys, String name) throws Exception {
    X500Name subject = new X500Name("CN=" + name);
    var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(name.hashCode() & 0x7fffffff),
        Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(365))),
        subject, keys.getPublic());
    X509Certificate c = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(c.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
