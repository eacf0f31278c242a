package eu.panosc.aai.register;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * The federation's terms of use a user accepts when registering ({@code services.aai.termsOfUse}): where they are
 * ({@code url}) and which version is current ({@code version}); a user who accepted another version is asked again.
 */
public record TermsOfUse(URI url, String version) {
  public static final String DEFAULT_VERSION = "1";

  public TermsOfUse {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(version, "version");
  }

  /**
   * {@code services.aai.termsOfUse} (an empty node when absent): {@code url} (default
   * {@code <publicRoot>/terms-of-use}) and {@code version} (default "1").
   */
  public static TermsOfUse from(ConfigNode node, URI publicRoot) {
    URI fallback = URI.create(publicRoot.toString().replaceAll("/+$", "") + "/terms-of-use");
    URI url = node.optionalUri("url", Set.of("http", "https")).orElse(fallback);
    String version = node.optionalString("version").orElse(DEFAULT_VERSION);
    if (!version.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException(node.path() + ".version", "expected 1 to 64 letters, digits, dots, dashes or "
          + "underscores, such as 2026-01, got " + version.length() + " characters");
    }
    node.rejectUnknownKeys();
    return new TermsOfUse(url, version);
  }
}
