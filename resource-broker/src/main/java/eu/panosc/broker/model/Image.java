package eu.panosc.broker.model;

import eu.panosc.platform.input.Input;
import java.util.Objects;
import java.util.Set;

/**
 * An analysis environment: a Jupyter server or a remote desktop served over the web.
 *
 * @param reference the container image (Kubernetes) it runs
 * @param protocol how a browser reaches it: {@code http} (Jupyter), {@code guacamole} or {@code novnc} (desktops)
 * @param port the port it listens on inside its container
 * @param clusters the clusters where it is available (pulled or allowed); empty: every cluster
 */
public record Image(String id, String title, Kind kind, String reference, String protocol, int port,
    Visibility visibility, Set<String> clusters) {
  /** What kind of environment an image is. */
  public enum Kind { JUPYTER, DESKTOP }

  public Image {
    Input.id("image.id", id, 64);
    Input.text("image.title", title, 200, true);
    Objects.requireNonNull(kind, "kind");
    Input.id("image.reference", reference, 512);
    Input.id("image.protocol", protocol, 32);
    Input.range("image.port", port, 1, 65_535);
    Objects.requireNonNull(visibility, "visibility");
    clusters = Set.copyOf(clusters);
  }

  public boolean availableOn(String cluster) {
    return clusters.isEmpty() || clusters.contains(cluster);
  }
}
