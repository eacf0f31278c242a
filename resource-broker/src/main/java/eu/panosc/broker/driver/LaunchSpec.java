package eu.panosc.broker.driver;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Session;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a driver needs to start a session: the session, its image and flavour, the access secret (empty when
 * the broker restarted before it reached the cluster; a driver then keeps an existing one or fails), and the
 * datasets to mount read-only.
 */
public record LaunchSpec(Session session, Image image, Flavour flavour, Optional<String> secret,
    List<DataMount> mounts) {
  public LaunchSpec {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(flavour, "flavour");
    Objects.requireNonNull(secret, "secret");
    mounts = List.copyOf(mounts);
  }

  @Override
  public String toString() {
    return "LaunchSpec[" + session.id() + ", image=" + image.id() + ", flavour=" + flavour.id() + ", mounts=" + mounts
        + "]";
  }

  /**
   * One dataset mounted read-only: from volume claim {@code claim} (its storage site's), sub-path {@code subPath},
   * at {@code mountPath} in the session. {@code claim} is empty for the local driver (nothing to mount).
   */
  public record DataMount(String dataset, String claim, String subPath, String mountPath) {
    public DataMount {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(claim, "claim");
      Objects.requireNonNull(subPath, "subPath");
      Objects.requireNonNull(mountPath, "mountPath");
    }
  }
}
