package eu.panosc.benchmarks.registry;

import com.sun.management.GarbageCollectionNotificationInfo;
import eu.panosc.registry.saml.MetadataAggregate;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.saml.XmlSigning;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap of building the signed aggregate, outside JMH: run it in its own JVM with the heap limit to
 * prove, e.g. {@code -Xmx1g}. It generates the entities ({@link SamlEntityGenerator}, the benchmark's
 * seed), then runs {@code rounds} builds, each checked ({@link AggregateChecks#checkCheaply}), keeping the
 * previous aggregate alive until the next is done (as {@code Mdq} does), and prints one JSON object:
 * heap used after a full GC before the first round (the input), the sum of the heap pools' peak usage
 * (an upper bound of the peak: pools peak at different moments), the largest heap occupancy any GC saw
 * before collecting (how full the collector let the heap get), the largest occupancy left after any GC
 * (non-heap pools excluded; a lower bound of the peak live set), bytes allocated per round, wall time per round, and the collectors' counts.
 *
 * <pre>java -Xmx1g -cp benchmarks.jar eu.panosc.benchmarks.registry.AggregateHeapProbe registry 12000 3 out.json</pre>
 *
 * <p>{@code registry} = parse every entity + {@link MetadataAggregate#build}; {@code registry-build} =
 * build from entities parsed before the baseline; {@code peer} = {@link NaiveDomAggregate}. An
 * {@link OutOfMemoryError} is reported as such (exit code 3).
 */
public final class AggregateHeapProbe {
  private AggregateHeapProbe() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "registry";
    int entities = args.length > 1 ? Integer.parseInt(args[1]) : 12_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path out = args.length > 3 ? Path.of(args[3]) : null;

    List<byte[]> xml = SamlEntityGenerator.withBundledCertificates().generate(entities, MetadataAggregateBenchmark.SEED)
        .stream().map(SamlEntityGenerator.Generated::xml).toList();
    long inputBytes = xml.stream().mapToLong(b -> b.length).sum();
    SamlMetadataParser parser = new SamlMetadataParser(Clock.systemUTC());
    XmlSigning signing = BenchResources.registrySigning();
    MetadataAggregate aggregate = new MetadataAggregate(signing, MetadataAggregateBenchmark.SETTINGS);
    NaiveDomAggregate peer = new NaiveDomAggregate(XmlSigning.readPrivateKey(BenchResources.resource("registry-key.pem")),
        signing.certificate(), MetadataAggregateBenchmark.SETTINGS.name(), MetadataAggregateBenchmark.SETTINGS.validity());
    var preParsed = mode.equals("registry-build") ? MetadataAggregateBenchmark.parseAll(parser, xml) : null;

    System.gc();
    System.gc();
    long baseline = heapUsed();
    List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    AtomicLong maxBeforeGc = new AtomicLong();
    AtomicLong maxAfterGc = new AtomicLong();
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          long used = info.getGcInfo().getMemoryUsageBeforeGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
          maxBeforeGc.accumulateAndGet(used, Math::max);
          long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
          maxAfterGc.accumulateAndGet(after, Math::max);
        }
      }, null, null);
    }
    long gcCountBefore = gcCount();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<Long> allocated = new ArrayList<>();
    List<Long> millis = new ArrayList<>();
    byte[] kept = null;
    String outcome = "ok";
    int outputBytes = 0;
    try {
      for (int r = 0; r < rounds; r++) {
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        byte[] built = switch (mode) {
          case "registry" -> aggregate.build(MetadataAggregateBenchmark.parseAll(parser, xml), Instant.now());
          case "registry-build" -> aggregate.build(preParsed, Instant.now());
          case "peer" -> peer.build(xml, Instant.now());
          default -> throw new IllegalArgumentException("mode is registry, registry-build or peer, not " + mode);
        };
        millis.add((System.nanoTime() - t0) / 1_000_000);
        allocated.add(threads.getCurrentThreadAllocatedBytes() - a0);
        kept = AggregateChecks.checkCheaply(built, entities);
        outputBytes = kept.length;
      }
    } catch (OutOfMemoryError e) {
      kept = null;
      outcome = "OutOfMemoryError: " + e.getMessage();
    }
    Thread.sleep(200); // let the last GC notifications arrive
    long poolPeaks = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    String json = String.format(Locale.ROOT,
        "{\"mode\":\"%s\",\"entities\":%d,\"rounds\":%d,\"outcome\":\"%s\",\"maxHeapBytes\":%d,"
            + "\"inputXmlBytes\":%d,\"outputBytes\":%d,\"baselineHeapAfterGcBytes\":%d,"
            + "\"sumOfHeapPoolPeaksBytes\":%d,\"maxHeapBeforeAnyGcBytes\":%d,\"maxHeapAfterAnyGcBytes\":%d,\"allocatedBytesPerRound\":%s,"
            + "\"millisPerRound\":%s,\"gcCount\":%d,\"java\":\"%s\",\"gc\":\"%s\"}",
        mode, entities, rounds, outcome, Runtime.getRuntime().maxMemory(), inputBytes, outputBytes, baseline,
        poolPeaks, maxBeforeGc.get(), maxAfterGc.get(), allocated, millis, gcCount() - gcCountBefore,
        System.getProperty("java.runtime.version"),
        String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList()));
    System.out.println(json);
    if (out != null) {
      Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
    }
    if (kept == null) {
      System.exit(3);
    }
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum();
  }
}
