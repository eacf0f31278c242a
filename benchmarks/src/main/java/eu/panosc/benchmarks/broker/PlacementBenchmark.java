package eu.panosc.benchmarks.broker;

import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.placement.ClusterState;
import eu.panosc.broker.placement.Placement;
import eu.panosc.broker.placement.PlacementRequest;
import eu.panosc.broker.placement.Placer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placement decisions per second over {@code clusters} clusters (issue goal: ≥ 1 000/s over 100; the kube-scheduler's
 * throughput SLO is 100 pods/s): the broker's {@link Placer} (filter, four weighted scorers, deterministic tie break,
 * the reason string built) over a deterministic world of facility clusters (each mounting one of 20 storage sites,
 * a quarter without GPUs, 0-90 % used, some unhealthy) and EOSC clouds, for 64 requests cycling through data at
 * every site, with and without GPUs and without data.
 *
 * <p>Peer: {@link #firstFit}, the same filter choosing the first cluster that fits (no scoring, no reason), run in
 * the same invocation: the ratio is what scoring and explaining cost.
 *
 * <p>Each measured call checks its answer: the chosen cluster equals the one computed at set-up, which set-up also
 * checks independently (it passes the filter and, when any fitting cluster mounts the data, mounts it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PlacementBenchmark {
  @Param({"100"})
  public int clusters;

  private final Placer placer = Placer.standard();
  private List<ClusterState> world;
  private PlacementRequest[] requests;
  private String[] expected;
  private String[] expectedFirstFit;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(20261207L);
    world = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      boolean eosc = i % 10 == 9;
      String site = "site-" + (i % 20);
      Map<String, Cluster.StorageMount> mounts = new LinkedHashMap<>();
      if (!eosc) {
        mounts.put(site, new Cluster.StorageMount(site + "-claim", "/data"));
      }
      long gpu = i % 4 == 0 ? 0 : 8 + random.nextInt(24);
      Resources capacity = new Resources(128 + random.nextInt(896), 1_048_576L + random.nextInt(4_194_304), gpu);
      double share = random.nextDouble() * 0.9;
      Resources used = new Resources((long) (capacity.cpu() * share), (long) (capacity.memoryMi() * share),
          (long) (capacity.gpu() * share));
      Cluster c = new Cluster(String.format("cluster-%03d", i), Cluster.Kind.KUBERNETES,
          eosc ? Optional.empty() : Optional.of("facility-" + (i % 20)), capacity, mounts,
          eosc ? Map.of("eosc", "true") : Map.of(), random.nextInt(101),
          Optional.of(new Cluster.KubernetesTarget("https://k8s-" + i + ".example:6443", "sessions", Optional.empty(),
              false)));
      boolean healthy = i % 17 != 5;
      world.add(new ClusterState(c, healthy, healthy ? Optional.empty() : Optional.of("connection refused"), used));
    }
    Image image = new Image("jupyter", "JupyterLab", Image.Kind.JUPYTER, "quay.io/jupyter/scipy-notebook:2025-03-17",
        "http", 8888, Visibility.EVERYONE, Set.of());
    requests = new PlacementRequest[64];
    expected = new String[64];
    expectedFirstFit = new String[64];
    for (int r = 0; r < requests.length; r++) {
      long gpu = r % 3 == 0 ? 1 : 0;
      Flavour f = new Flavour("f" + r, "f" + r, new Resources(2 + r % 8, 4096L * (1 + r % 4), gpu), Visibility.EVERYONE);
      Set<String> sites = r % 8 == 7 ? Set.of() : Set.of("site-" + (r % 20));
      requests[r] = new PlacementRequest(f, image, sites);
      Placement p = placer.place(requests[r], world);
      expected[r] = p.cluster().orElseThrow(() -> new IllegalStateException("request unplaceable: " + p.reason()));
      expectedFirstFit[r] = firstFit(requests[r]);
      check(requests[r], expected[r]);
    }
  }

  /** Independent check of an answer: it fits, and it mounts the data whenever some fitting cluster does. */
  private void check(PlacementRequest r, String chosen) {
    ClusterState c = world.stream().filter(s -> s.cluster().id().equals(chosen)).findFirst().orElseThrow();
    if (!c.healthy() || !c.free().fits(r.flavour().resources())) {
      throw new IllegalStateException(chosen + " cannot run " + r);
    }
    boolean someLocal = world.stream().anyMatch(s -> s.healthy() && s.free().fits(r.flavour().resources())
        && s.cluster().sites().containsAll(r.storageSites()));
    if (!r.storageSites().isEmpty() && someLocal && !c.cluster().sites().containsAll(r.storageSites())) {
      throw new IllegalStateException(chosen + " does not mount " + r.storageSites() + " though another cluster does");
    }
  }

  private String firstFit(PlacementRequest r) {
    for (ClusterState c : world) {
      if (c.healthy() && r.image().availableOn(c.cluster().id()) && c.free().fits(r.flavour().resources())) {
        return c.cluster().id();
      }
    }
    return null;
  }

  @Benchmark
  public Placement place() {
    int i = next++ & 63;
    Placement p = placer.place(requests[i], world);
    if (!expected[i].equals(p.cluster().orElse(null))) {
      throw new IllegalStateException("request " + i + " placed on " + p.cluster() + ", expected " + expected[i]);
    }
    return p;
  }

  @Benchmark
  public String firstFit() {
    int i = next++ & 63;
    String chosen = firstFit(requests[i]);
    if (!expectedFirstFit[i].equals(chosen)) {
      throw new IllegalStateException("first fit changed for request " + i);
    }
    return chosen;
  }
}
