package eu.panosc.benchmarks.registry;

import eu.panosc.registry.saml.MetadataAggregate;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.saml.XmlSigning;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The federation's signed SAML aggregate at eduGAIN scale: {@code entities} generated entities of 6–9 KB
 * ({@link SamlEntityGenerator}, fixed seed), signed with the registry's RSA 3072 test key.
 *
 * <ul>
 *   <li>{@link #registryParseAndBuild}: what a rebuild costs: every entity XML through
 *       {@link SamlMetadataParser#parse} (as {@code SamlPublishing.rebuild} does), then
 *       {@link MetadataAggregate#build} (streaming digest, one signature, exact-size output).</li>
 *   <li>{@link #registryBuild}: {@link MetadataAggregate#build} alone, from entities parsed in setup (what
 *       {@code Mdq.lookupAll} costs after a rebuild).</li>
 *   <li>Peer, {@link #peerNaiveDom}: {@link NaiveDomAggregate}, one DOM of all entities signed whole with
 *       Santuario. Report {@code registryParseAndBuild / peerNaiveDom} (both start from the XML bytes).</li>
 * </ul>
 *
 * <p>Every call checks its result cheaply ({@link AggregateChecks#checkCheaply}: non-empty, root, entity
 * count by a byte scan; the same check for registry and peer). After every iteration, which in
 * SingleShotTime is exactly one call, the result is verified fully with the JDK's
 * {@code javax.xml.crypto.dsig} ({@link AggregateChecks#verifyFully}). Peak heap: see
 * {@link AggregateHeapProbe} and {@code -prof gc}. The class is not {@code final}: JMH subclasses it.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata §2.3.1, §3</a>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Threads(1)
@State(Scope.Benchmark)
public class MetadataAggregateBenchmark {
  /** The generator seed: fixed, so every run builds the same bytes. */
  public static final long SEED = 20_261_126L;
  static final MetadataAggregate.Settings SETTINGS =
      new MetadataAggregate.Settings("https://registry.panosc.example/metadata", Duration.ofDays(7), Duration.ofHours(6));

  @Param("12000")
  public int entities;

  private List<byte[]> xml;
  private List<SamlEntity> parsed;
  private SamlMetadataParser parser;
  private MetadataAggregate aggregate;
  private NaiveDomAggregate peer;
  private PublicKey verificationKey;
  private byte[] last;

  @Setup(Level.Trial)
  public void setUp() {
    xml = SamlEntityGenerator.withBundledCertificates().generate(entities, SEED).stream()
        .map(SamlEntityGenerator.Generated::xml).toList();
    parser = new SamlMetadataParser(Clock.systemUTC());
    parsed = parseAll(parser, xml);
    XmlSigning signing = BenchResources.registrySigning();
    aggregate = new MetadataAggregate(signing, SETTINGS);
    peer = new NaiveDomAggregate(XmlSigning.readPrivateKey(BenchResources.resource("registry-key.pem")),
        signing.certificate(), SETTINGS.name(), SETTINGS.validity());
    verificationKey = signing.certificate().getPublicKey();
    // every path once before measuring, fully checked
    AggregateChecks.verifyFully(AggregateChecks.checkCheaply(aggregate.build(parsed, Instant.now()), entities),
        verificationKey, entities);
  }

  static List<SamlEntity> parseAll(SamlMetadataParser parser, List<byte[]> xml) {
    List<SamlEntity> out = new ArrayList<>(xml.size());
    for (byte[] x : xml) {
      out.add(parser.parse(x));
    }
    return out;
  }

  /** Verifies the signature and entity count of the one aggregate built in this iteration. */
  @TearDown(Level.Iteration)
  public void verifyLast() {
    if (last == null) {
      throw new IllegalStateException("no aggregate was built in this iteration");
    }
    byte[] built = last;
    last = null;
    AggregateChecks.verifyFully(built, verificationKey, entities);
  }

  @Benchmark
  public byte[] registryParseAndBuild() {
    return keep(aggregate.build(parseAll(parser, xml), Instant.now()));
  }

  @Benchmark
  public byte[] registryBuild() {
    return keep(aggregate.build(parsed, Instant.now()));
  }

  @Benchmark
  public byte[] peerNaiveDom() {
    return keep(peer.build(xml, Instant.now()));
  }

  private byte[] keep(byte[] built) {
    last = AggregateChecks.checkCheaply(built, entities);
    return built;
  }
}
