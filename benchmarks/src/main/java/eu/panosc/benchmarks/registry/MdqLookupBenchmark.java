package eu.panosc.benchmarks.registry;

import eu.panosc.registry.saml.MdqResponse;
import eu.panosc.registry.saml.Mdq;
import eu.panosc.registry.saml.MetadataAggregate;
import eu.panosc.registry.saml.SamlEntity;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.saml.XmlSigning;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MDQ lookups ({@code GET /mdq/entities/{id}}) against {@link Mdq} holding {@code entities} generated
 * eduGAIN-like entities, by entityID and by {@code {sha1}<hex>} ({@link Keys#form}), in a fixed
 * pseudo-random order over all entities.
 *
 * <ul>
 *   <li>{@link #registryLookup} with {@code cache=WARM}: every entity was signed once in setup, so a lookup
 *       is the steady state (two map reads, freshness check).</li>
 *   <li>{@link #registryLookup} with {@code cache=COLD}: a new {@link Mdq} per iteration and each call
 *       asks for an entity not yet asked for, so every call parses, signs (RSA 3072) and canonicalizes
 *       one entity: the first request for an entity after a rebuild, or after half its validity.</li>
 *   <li>Peer, {@link #peerHashMap}: the floor, a plain {@code HashMap} of entityID (and sha1 hex) to
 *       ready bytes. Report {@code registryLookup(WARM) / peerHashMap} per form.</li>
 * </ul>
 *
 * <p>Every call checks that the returned document's root start tag carries {@code entityID="<expected>"}.
 * Mode SampleTime for percentiles (p99). The class is not {@code final}: JMH subclasses it.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-young-md-query-saml">SAML profile for MDQ</a>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Threads(1)
public class MdqLookupBenchmark {

  /** Whether the per-entity signed documents are already cached. */
  public enum Cache { WARM, COLD }

  /** How the client names the entity. */
  public enum Form { ENTITY_ID, SHA1 }

  /** The published entities, generated and parsed once. */
  @State(Scope.Benchmark)
  public static class Published {
    @Param("12000")
    public int entities;

    List<SamlEntity> parsed;
    /** ` entityID="<id>"` per entity, as it appears in the root start tag. */
    byte[][] needles;

    @Setup(Level.Trial)
    public void setUp() {
      SamlMetadataParser parser = new SamlMetadataParser(Clock.systemUTC());
      parsed = SamlEntityGenerator.withBundledCertificates().generate(entities, MetadataAggregateBenchmark.SEED)
          .stream().map(g -> parser.parse(g.xml())).toList();
      needles = new byte[parsed.size()][];
      for (int i = 0; i < parsed.size(); i++) {
        needles[i] = (" entityID=\"" + parsed.get(i).entityId() + "\"").getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /** The identifiers a client sends, in a seeded random order (a permutation, restarted every iteration). */
  @State(Scope.Thread)
  public static class Keys {
    @Param({"ENTITY_ID", "SHA1"})
    public Form form;

    String[] identifiers;
    int[] order;
    int cursor;

    @Setup(Level.Trial)
    public void setUp(Published published) {
      int n = published.parsed.size();
      identifiers = new String[n];
      for (int i = 0; i < n; i++) {
        SamlEntity e = published.parsed.get(i);
        identifiers[i] = form == Form.SHA1 ? e.sha1Id() : e.entityId();
      }
      order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(7);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }

    @Setup(Level.Iteration)
    public void restart() {
      cursor = 0;
    }

    /** The next entity's index; with {@code mustBeNew}, fails instead of repeating one. */
    int next(boolean mustBeNew) {
      if (cursor == order.length) {
        if (mustBeNew) {
          throw new IllegalStateException("all " + order.length + " entities were looked up in this iteration; "
              + "COLD needs shorter iterations");
        }
        cursor = 0;
      }
      return order[cursor++];
    }
  }

  /** The registry's MDQ responder. */
  @State(Scope.Benchmark)
  public static class Registry {
    @Param({"WARM", "COLD"})
    public Cache cache;

    Mdq mdq;
    private Published published;

    @Setup(Level.Trial)
    public void setUp(Published published) {
      this.published = published;
      mdq = newMdq(published.parsed);
      if (cache == Cache.WARM) {
        published.parsed.parallelStream().forEach(e -> mdq.lookup(e.entityId()).orElseThrow());
      }
    }

    @Setup(Level.Iteration)
    public void fresh() {
      if (cache == Cache.COLD) {
        mdq = newMdq(published.parsed);
      }
    }

    static Mdq newMdq(List<SamlEntity> entities) {
      XmlSigning signing = BenchResources.registrySigning();
      Mdq mdq = new Mdq(signing, new MetadataAggregate(signing, MetadataAggregateBenchmark.SETTINGS),
          new Mdq.Settings(Duration.ofDays(1), Duration.ofHours(6), Duration.ofMinutes(10)), Clock.systemUTC());
      mdq.update(entities);
      return mdq;
    }
  }

  /** The peer: ready bytes in a HashMap (here each entity's standalone XML, unsigned). */
  @State(Scope.Benchmark)
  public static class Floor {
    Map<String, byte[]> byEntityId;
    Map<String, byte[]> bySha1Hex;

    @Setup(Level.Trial)
    public void setUp(Published published) {
      byEntityId = new HashMap<>();
      bySha1Hex = new HashMap<>();
      for (SamlEntity e : published.parsed) {
        byEntityId.put(e.entityId(), e.xml());
        bySha1Hex.put(e.sha1Id().substring("{sha1}".length()), e.xml());
      }
    }

    Optional<byte[]> lookup(String identifier) {
      return Optional.ofNullable(identifier.startsWith("{sha1}")
          ? bySha1Hex.get(identifier.substring("{sha1}".length()))
          : byEntityId.get(identifier));
    }
  }

  @Benchmark
  public byte[] registryLookup(Registry registry, Keys keys, Published published) {
    int i = keys.next(registry.cache == Cache.COLD);
    Optional<MdqResponse> found = registry.mdq.lookup(keys.identifiers[i]);
    byte[] body = found.orElseThrow(() -> new IllegalStateException("MDQ found no entity " + keys.identifiers[i]))
        .body();
    return checkEntityId(body, published.needles[i], keys.identifiers[i]);
  }

  @Benchmark
  public byte[] peerHashMap(Floor floor, Keys keys, Published published) {
    int i = keys.next(false);
    byte[] body = floor.lookup(keys.identifiers[i])
        .orElseThrow(() -> new IllegalStateException("map found no entity " + keys.identifiers[i]));
    return checkEntityId(body, published.needles[i], keys.identifiers[i]);
  }

  /** The root start tag (the first element after the XML declaration) must contain {@code needle}. */
  static byte[] checkEntityId(byte[] body, byte[] needle, String identifier) {
    int root = 0;
    while (root < body.length && (body[root] != '<' || body[root + 1] == '?' || body[root + 1] == '!')) {
      root++;
    }
    int end = AggregateChecks.indexOf(body, (byte) '>', root);
    if (end < 0) {
      throw new IllegalStateException("no root start tag in the answer for " + identifier);
    }
    for (int i = root; i + needle.length <= end; i++) {
      if (body[i] == needle[0] && AggregateChecks.startsWith(body, i, needle)) {
        return body;
      }
    }
    throw new IllegalStateException("the answer for " + identifier + " has another entityID: "
        + new String(body, root, Math.min(end - root + 1, 600), StandardCharsets.UTF_8));
  }
}
