package eu.panosc.broker;

import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Values for tests: clusters, flavours, images, sessions. */
public final class Fixtures {
  public static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  private Fixtures() {}

  public static Flavour flavour(String id, long cpu, long memoryMi, long gpu) {
    return new Flavour(id, id, new Resources(cpu, memoryMi, gpu), Visibility.EVERYONE);
  }

  public static Image image(String id) {
    return new Image(id, id, Image.Kind.JUPYTER, "quay.io/jupyter/base-notebook:2025-03-17", "http", 8888,
        Visibility.EVERYONE, Set.of());
  }

  /** A Kubernetes cluster at {@code apiUrl}; {@code facility} null for EOSC; sites mounted from claims of their name. */
  public static Cluster kube(String id, String facility, Resources capacity, int preference, String apiUrl,
      String... sites) {
    Map<String, Cluster.StorageMount> mounts = new java.util.LinkedHashMap<>();
    for (String s : sites) {
      mounts.put(s, new Cluster.StorageMount(s + "-claim", "/data"));
    }
    return new Cluster(id, Cluster.Kind.KUBERNETES, Optional.ofNullable(facility), capacity, mounts,
        facility == null ? Map.of("eosc", "true") : Map.of(), preference,
        Optional.of(new Cluster.KubernetesTarget(apiUrl, "sessions", Optional.empty(), false)));
  }

  public static Cluster cluster(String id, String facility, Resources capacity, int preference, String... sites) {
    return kube(id, facility, capacity, preference, "http://127.0.0.1:1", sites);
  }

  public static Caller user(String id) {
    return new Caller(id, false, false, Set.of(), Set.of());
  }

  public static Session session(String id, String owner, String proposal, Resources r, SessionState state) {
    return new Session(id, owner, Optional.ofNullable(proposal), List.of("10.5/a"), "small", "jupyter", r,
        Optional.empty(), state, Optional.empty(), Optional.empty(), Optional.empty(), "ab".repeat(32), T0, T0,
        T0.plus(Duration.ofDays(14)), T0);
  }

  /** What a driver is given to start alice's small Jupyter session {@code id} with its access secret. */
  public static LaunchSpec launchSpec(String id) {
    return new LaunchSpec(session(id, "alice@demo.panosc.eu", "esrf:MX-2415", new Resources(1, 2048, 0),
        SessionState.STARTING), image("jupyter"), flavour("small", 1, 2048, 0), Optional.of("the-access-secret"),
        List.of());
  }
}
