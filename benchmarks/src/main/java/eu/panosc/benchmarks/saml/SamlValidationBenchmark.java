package eu.panosc.benchmarks.saml;

import eu.panosc.aai.saml.validate.SamlResponseValidator;
import eu.panosc.aai.saml.validate.ValidatedLogin;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import net.shibboleth.utilities.java.support.xml.ParserPool;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.w3c.dom.Element;

/**
 * Validation of a POSTed SAML Response (signed Assertion, {@code attributes} attributes) by the aai-broker's
 * {@link SamlResponseValidator}: base64, hardened parse, document-shape checks, unmarshal, signature profile and
 * verification against the metadata certificate, every business check, reading the login.
 *
 * <p>Peer: {@link #rawOpenSaml}, what OpenSAML alone costs for the same bytes: base64, parse (same registered parser
 * pool), unmarshal, {@code SAMLSignatureProfileValidator}, {@code SignatureValidator} with the same certificate; no
 * business checks. Report {@code validate / rawOpenSaml} from one run (docs/benchmarks.md). Each call checks its
 * answer (the assertion id, the number of attributes), so a broken path fails the run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class SamlValidationBenchmark {
  @Param({"20"})
  public int attributes;

  private SignedResponses data;
  private SamlResponseValidator validator;
  private ParserPool pool;
  private BasicX509Credential idp;

  @Setup
  public void setUp() {
    // logback without a configuration logs OpenSAML's DEBUG lines for every call; that would be what is measured
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    data = new SignedResponses(attributes);
    validator = new SamlResponseValidator();
    pool = XMLObjectProviderRegistrySupport.getParserPool();
    idp = new BasicX509Credential(data.idpCertificate);
    // both paths must accept the data before anything is measured
    validate();
    rawOpenSaml();
  }

  @Benchmark
  public ValidatedLogin validate() {
    ValidatedLogin login = validator.validate(data.posted, data.expectation);
    if (!SignedResponses.ASSERTION_ID.equals(login.assertionId()) || login.attributes().size() != attributes) {
      throw new IllegalStateException("unexpected login " + login.assertionId() + " with "
          + login.attributes().size() + " attributes");
    }
    return login;
  }

  @Benchmark
  public Assertion rawOpenSaml() {
    try {
      byte[] xml = Base64.getDecoder().decode(data.posted);
      Element root = pool.parse(new ByteArrayInputStream(xml)).getDocumentElement();
      Response response = (Response) XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root)
          .unmarshall(root);
      Assertion assertion = response.getAssertions().get(0);
      new SAMLSignatureProfileValidator().validate(assertion.getSignature());
      SignatureValidator.validate(assertion.getSignature(), idp);
      if (!SignedResponses.ASSERTION_ID.equals(assertion.getID())
          || assertion.getAttributeStatements().get(0).getAttributes().size() != attributes) {
        throw new IllegalStateException("unexpected assertion " + assertion.getID());
      }
      return assertion;
    } catch (Exception e) {
      throw new IllegalStateException("raw OpenSAML validation failed: " + e, e);
    }
  }
}
