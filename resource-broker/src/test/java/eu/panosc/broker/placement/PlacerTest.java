package eu.panosc.broker.placement;

import static eu.panosc.broker.Fixtures.cluster;
import static eu.panosc.broker.Fixtures.flavour;
import static eu.panosc.broker.Fixtures.image;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Visibility;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Placement tables: data locality, capacity, GPUs, image availability, health, EOSC fallback, ties. */
class PlacerTest {
  static final Cluster ESRF = cluster("esrf-k8s", "esrf", new Resources(512, 4_194_304, 16), 50, "esrf-gpfs");
  static final Cluster ILL = cluster("ill-k8s", "ill", new Resources(256, 2_097_152, 8), 50, "ill-nfs");
  static final Cluster EOSC = cluster("eosc-cloud", null, new Resources(2048, 16_777_216, 64), 50);
  static final Cluster ESRF_NO_GPU = cluster("esrf-cpu", "esrf", new Resources(512, 4_194_304, 0), 50, "esrf-gpfs");

  final Placer placer = Placer.standard();

  static ClusterState idle(Cluster c) {
    return ClusterState.healthy(c, Resources.NONE);
  }

  static ClusterState used(Cluster c, long cpu, long mem, long gpu) {
    return ClusterState.healthy(c, new Resources(cpu, mem, gpu));
  }

  static ClusterState down(Cluster c) {
    return new ClusterState(c, false, Optional.of("connection refused"), Resources.NONE);
  }

  static PlacementRequest request(long cpu, long gpu, String... sites) {
    return new PlacementRequest(flavour("f", cpu, 4096, gpu), image("jupyter"), Set.of(sites));
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // name, request, clusters, expected cluster (null: none)
        Arguments.of("ESRF data goes to the cluster that mounts ESRF storage", request(2, 0, "esrf-gpfs"),
            List.of(idle(ESRF), idle(ILL), idle(EOSC)), "esrf-k8s"),
        Arguments.of("ILL data goes to ILL even when ESRF is emptier", request(2, 0, "ill-nfs"),
            List.of(idle(ESRF), used(ILL, 200, 0, 0), idle(EOSC)), "ill-k8s"),
        Arguments.of("locality wins even on a nearly full cluster", request(2, 0, "esrf-gpfs"),
            List.of(used(ESRF, 508, 4_000_000, 15), idle(ILL), idle(EOSC)), "esrf-k8s"),
        Arguments.of("no capacity left at the data: elsewhere", request(8, 0, "esrf-gpfs"),
            List.of(used(ESRF, 510, 0, 0), idle(ILL), idle(EOSC)), "ill-k8s"),
        Arguments.of("GPU needed, the data's cluster has none: a GPU cluster", request(2, 1, "esrf-gpfs"),
            List.of(idle(ESRF_NO_GPU), idle(ILL)), "ill-k8s"),
        Arguments.of("GPUs all used at ILL and ESRF: EOSC", request(2, 4, "ill-nfs"),
            List.of(used(ESRF, 0, 0, 14), used(ILL, 0, 0, 6), idle(EOSC)), "eosc-cloud"),
        Arguments.of("the data's cluster is unhealthy: elsewhere", request(2, 0, "esrf-gpfs"),
            List.of(down(ESRF), idle(ILL), idle(EOSC)), "ill-k8s"),
        Arguments.of("no data, facilities idle: a facility before EOSC", request(2, 0),
            List.of(idle(EOSC), idle(ILL)), "ill-k8s"),
        Arguments.of("no data, facilities nearly full: EOSC as fallback", request(2, 0),
            List.of(used(ESRF, 500, 4_000_000, 0), used(ILL, 250, 2_000_000, 0), idle(EOSC)), "eosc-cloud"),
        Arguments.of("every cluster down: none", request(2, 0, "esrf-gpfs"),
            List.of(down(ESRF), down(ILL), down(EOSC)), null),
        Arguments.of("too big for every cluster: none", request(4096, 0),
            List.of(idle(ESRF), idle(ILL), idle(EOSC)), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void placeWhenTableCaseThenExpectedCluster(String name, PlacementRequest r, List<ClusterState> clusters,
      String expected) {
    Placement p = placer.place(r, clusters);
    assertThat(p.cluster()).isEqualTo(Optional.ofNullable(expected));
    assertThat(p.reason()).isNotBlank();
  }

  @Test
  void placeWhenTieThenSmallestClusterIdWhateverTheOrder() {
    Cluster a = cluster("b-site", "f", new Resources(64, 65_536, 0), 50);
    Cluster b = cluster("a-site", "f", new Resources(64, 65_536, 0), 50);
    Cluster c = cluster("c-site", "f", new Resources(64, 65_536, 0), 50);
    List<ClusterState> states = new ArrayList<>(List.of(idle(a), idle(b), idle(c)));
    for (int i = 0; i < 6; i++) {
      Collections.rotate(states, 1);
      if (i == 3) {
        Collections.reverse(states);
      }
      Placement p = placer.place(request(2, 0), states);
      assertThat(p.cluster()).contains("a-site");
      assertThat(p.reason()).contains("tie, broken by cluster id");
    }
  }

  @Test
  void placeWhenImageNotOnClusterThenExcludedWithReason() {
    Image only = new Image("desk", "desk", Image.Kind.DESKTOP, "r/desk:1", "guacamole", 8080, Visibility.EVERYONE,
        Set.of("ill-k8s"));
    Placement p = placer.place(new PlacementRequest(flavour("f", 1, 1024, 0), only, Set.of("esrf-gpfs")),
        List.of(idle(ESRF), idle(ILL)));
    assertThat(p.cluster()).contains("ill-k8s");
    assertThat(p.reason()).contains("excluded esrf-k8s (image desk not available)")
        .contains("mounts none of the data's storage sites");
  }

  @Test
  void placeWhenNothingFitsThenReasonNamesEveryClusterAndWhy() {
    Placement p = placer.place(request(2, 1, "esrf-gpfs"), List.of(down(ESRF), idle(ESRF_NO_GPU)));
    assertThat(p.cluster()).isEmpty();
    assertThat(p.reason()).isEqualTo("no cluster can run it: esrf-cpu (needs 1 GPU, 0 free); "
        + "esrf-k8s (unhealthy: connection refused)");
  }

  @Test
  void placeWhenChosenThenReasonShowsScoresLocalityAndRunnerUp() {
    Placement p = placer.place(request(2, 0, "esrf-gpfs"), List.of(idle(ESRF), idle(ILL)));
    assertThat(p.reason()).startsWith("esrf-k8s scored ").contains("locality 1.00").contains("mounts esrf-gpfs")
        .contains("next ill-k8s");
  }

  @Test
  void placeWhenCustomScorerThenItDecides() {
    Scorer prefersIll = new Scorer() {
      @Override
      public String name() {
        return "ill-lover";
      }

      @Override
      public double score(PlacementRequest r, ClusterState c) {
        return c.cluster().id().startsWith("ill") ? 1 : 0;
      }
    };
    Placer custom = new Placer(List.of(new WeightedScorer(prefersIll, 1)));
    assertThat(custom.place(request(1, 0, "esrf-gpfs"), List.of(idle(ESRF), idle(ILL))).cluster()).contains("ill-k8s");
  }
}
