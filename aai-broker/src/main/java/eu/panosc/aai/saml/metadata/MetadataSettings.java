package eu.panosc.aai.saml.metadata;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services.aai.upstreams.<id>.metadata} section: where an upstream's IdP metadata comes from, exactly one
 * of {@code mdq} (the registry's MDQ base URL, such as {@code https://panosc.example/registry/mdq}), {@code url} (a
 * signed aggregate or entity) or {@code file} (tests and the demo), with the pinned signing {@code certificate} (a PEM
 * file; required for {@code mdq} and {@code url}), the refresh bounds, and optionally the one IdP to list
 * ({@code entityId}, with its {@code displayName}). Checked at start: the certificate is read
 * and parsed, a file must be readable.
 *
 * @param kind which source
 * @param location the MDQ base or metadata URL (empty for a file)
 * @param file the metadata file (empty unless {@code kind} is FILE)
 * @param certificate the pinned signing certificate of the publisher
 * @param maxBytes the largest document accepted
 * @param refresh refresh interval bounds ({@code minRefresh}, {@code maxRefresh})
 * @param negativeCacheTtl how long an MDQ 404 is remembered
 * @param timeout connect and read timeout of a fetch
 * @param entityId the one IdP of this source the login page lists ({@code entityId}); empty: the source's IdPs are
 *     reached through the login page's discovery box (an aggregate or MDQ)
 * @param displayName what the login page calls the IdP ({@code displayName}); empty: its metadata's display name
 */
public record MetadataSettings(Kind kind, Optional<URI> location, Optional<Path> file,
    Optional<X509Certificate> certificate, int maxBytes, RefreshPolicy refresh, Duration negativeCacheTtl,
    Duration timeout, Optional<String> entityId, Optional<String> displayName) {

  /** The kinds of source. */
  public enum Kind {
    MDQ, URL, FILE
  }

  public static final int DEFAULT_MDQ_MAX_BYTES = 1 << 20;
  public static final int DEFAULT_AGGREGATE_MAX_BYTES = 128 << 20;
  public static final Duration DEFAULT_MIN_REFRESH = Duration.ofMinutes(5);
  public static final Duration DEFAULT_MAX_REFRESH = Duration.ofHours(12);
  public static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Entities an MDQ source keeps at most. */
  public static final int MDQ_MAX_ENTRIES = 20_000;

  public MetadataSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(refresh, "refresh");
    Objects.requireNonNull(negativeCacheTtl, "negativeCacheTtl");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(displayName, "displayName");
    if (kind == Kind.FILE ? file.isEmpty() : location.isEmpty() || certificate.isEmpty()) {
      throw new IllegalArgumentException(kind + " metadata needs " + (kind == Kind.FILE ? "a file"
          : "a URL and a pinned certificate"));
    }
  }

  /**
   * Reads {@code node} (the {@code metadata} section of one upstream); empty when the section is absent.
   *
   * @throws ConfigException naming the first key that is missing, malformed, or unreadable
   */
  public static Optional<MetadataSettings> from(ConfigNode node) {
    if (node.keys().isEmpty()) {
      return Optional.empty();
    }
    Set<String> schemes = Set.of("http", "https");
    Optional<URI> mdq = node.optionalUri("mdq", schemes);
    Optional<URI> url = node.optionalUri("url", schemes);
    Optional<Path> file = node.optionalString("file").map(Path::of);
    int given = (mdq.isPresent() ? 1 : 0) + (url.isPresent() ? 1 : 0) + (file.isPresent() ? 1 : 0);
    if (given != 1) {
      throw new ConfigException(node.path(), "give exactly one of mdq (the registry's MDQ base URL), url (a signed "
          + "metadata URL) or file (a local metadata file)");
    }
    Kind kind = mdq.isPresent() ? Kind.MDQ : url.isPresent() ? Kind.URL : Kind.FILE;
    Optional<X509Certificate> certificate = node.optionalString("certificate")
        .map(p -> readCertificate(node.path() + ".certificate", Path.of(p)));
    if (kind != Kind.FILE && certificate.isEmpty()) {
      throw new ConfigException(node.path() + ".certificate", "is required with " + kind.name().toLowerCase(
          java.util.Locale.ROOT) + ": the PEM file of the certificate the metadata is signed with (pinned; a key "
          + "in the document itself is never trusted)");
    }
    if (file.isPresent() && !Files.isReadable(file.get())) {
      throw new ConfigException(node.path() + ".file", "cannot read the metadata file " + file.get());
    }
    int maxBytes = node.integer("maxBytes", kind == Kind.MDQ ? DEFAULT_MDQ_MAX_BYTES : DEFAULT_AGGREGATE_MAX_BYTES,
        1024, 512 << 20);
    Duration min = between(node, "minRefresh", DEFAULT_MIN_REFRESH, Duration.ofSeconds(10), Duration.ofDays(1));
    Duration max = between(node, "maxRefresh", DEFAULT_MAX_REFRESH, Duration.ofMinutes(1), Duration.ofDays(7));
    if (max.compareTo(min) < 0) {
      throw new ConfigException(node.path() + ".maxRefresh", "must not be shorter than minRefresh");
    }
    Duration negative = between(node, "negativeCacheTtl", DEFAULT_NEGATIVE_CACHE_TTL, Duration.ZERO,
        Duration.ofHours(1));
    Duration timeout = between(node, "timeout", DEFAULT_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(5));
    Optional<String> entityId = node.optionalString("entityId").map(String::strip);
    if (entityId.isPresent() && (entityId.get().isEmpty() || !eu.panosc.platform.input.Input.isClean(entityId.get(),
        1024) || entityId.get().chars().anyMatch(Character::isWhitespace))) {
      throw new ConfigException(node.path() + ".entityId", "expected the IdP's SAML entityID (at most 1024 characters, "
          + "no spaces), such as https://umbrellaid.org/idp");
    }
    Optional<String> displayName = node.optionalString("displayName").map(String::strip);
    if (displayName.isPresent() && (displayName.get().isEmpty() || !eu.panosc.platform.input.Input.isClean(
        displayName.get(), 200))) {
      throw new ConfigException(node.path() + ".displayName", "expected a name of 1 to 200 printable characters, "
          + "such as UmbrellaID");
    }
    return Optional.of(new MetadataSettings(kind, mdq.or(() -> url), file, certificate, maxBytes,
        new RefreshPolicy(min, max), negative, timeout, entityId, displayName));
  }

  /**
   * The source these settings describe; a file is read, verified and indexed now.
   *
   * @throws MetadataRefusedException if the file cannot be read or is refused
   */
  public IdpMetadataSource open(MetadataFetcher fetcher, Clock clock) throws MetadataRefusedException {
    return open(fetcher, clock, Runnable::run);
  }

  /** As {@link #open(MetadataFetcher, Clock)}, a file source reading its file again on {@code files}. */
  public IdpMetadataSource open(MetadataFetcher fetcher, Clock clock, java.util.concurrent.Executor files)
      throws MetadataRefusedException {
    return switch (kind) {
      case MDQ -> new MdqMetadataSource(location.orElseThrow(), certificate.orElseThrow(), fetcher, maxBytes, refresh,
          negativeCacheTtl, MDQ_MAX_ENTRIES, clock);
      case URL -> new UrlMetadataSource(location.orElseThrow(), certificate.orElseThrow(), fetcher, maxBytes, refresh,
          clock);
      case FILE -> new FileMetadataSource(file.orElseThrow(), certificate, maxBytes, refresh, clock, files);
    };
  }

  private static X509Certificate readCertificate(String key, Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read the certificate file " + path);
    } catch (CertificateException | ClassCastException e) {
      throw new ConfigException(key, "the file " + path + " holds no PEM X.509 certificate");
    }
  }

  private static Duration between(ConfigNode node, String key, Duration fallback, Duration min, Duration max) {
    Duration d = node.duration(key, fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(node.path() + "." + key, "expected a duration from " + min + " to " + max
          + " (default " + fallback + "), got " + d);
    }
    return d;
  }
}
