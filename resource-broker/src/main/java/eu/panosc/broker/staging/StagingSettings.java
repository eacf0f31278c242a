package eu.panosc.broker.staging;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code services.broker.staging}: the copying Job's image and deadline, and each storage site's data endpoint (an
 * http(s) base URL under which a dataset's path is served, e.g. a WebDAV or plain HTTP export). A dataset whose
 * site has no endpoint cannot be staged: a session needing it on a cluster that cannot mount the site FAILS with
 * that reason.
 *
 * @param image the copying container's image (runs {@code rclone copy --http-url <source> :http: <target>})
 * @param deadline how long a staging Job may run ({@code activeDeadlineSeconds})
 * @param endpoints per storage site, its data endpoint
 */
public record StagingSettings(String image, Duration deadline, Map<String, URI> endpoints) {
  public static final String DEFAULT_IMAGE = "docker.io/rclone/rclone:1.69.1";
  public static final StagingSettings DEFAULTS = new StagingSettings(DEFAULT_IMAGE, Duration.ofHours(24), Map.of());

  public StagingSettings {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(deadline, "deadline");
    endpoints = Map.copyOf(endpoints);
  }

  public Optional<URI> endpoint(String site) {
    return Optional.ofNullable(endpoints.get(site));
  }

  /** Parses the section (may be empty), naming a bad key. */
  public static StagingSettings from(ConfigNode n) {
    String image = n.string("image", DEFAULT_IMAGE);
    if (image.isBlank() || image.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      throw new ConfigException(n.path() + ".image", "must be an image reference such as " + DEFAULT_IMAGE);
    }
    Duration deadline = n.duration("deadline", Duration.ofHours(24));
    if (deadline.toSeconds() < 60) {
      throw new ConfigException(n.path() + ".deadline", "expected at least 60s, such as 24h");
    }
    Map<String, URI> endpoints = new LinkedHashMap<>();
    ConfigNode e = n.node("endpoints");
    for (String site : e.keys()) {
      URI u = e.optionalUri(site, Set.of("http", "https")).orElseThrow();
      if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null) {
        throw new ConfigException(e.path() + "." + site, "must be a base URL without user info, query or fragment "
            + "(credentials never go into a Job's arguments)");
      }
      endpoints.put(site, u);
    }
    e.rejectUnknownKeys();
    n.rejectUnknownKeys();
    return new StagingSettings(image, deadline, endpoints);
  }
}
