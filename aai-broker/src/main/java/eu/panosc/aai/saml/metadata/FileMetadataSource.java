package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Metadata from a local file (tests and the demo), read and indexed once at construction; a signature is checked
 * when a certificate is pinned. An entity past its {@code validUntil} is never answered.
 */
public final class FileMetadataSource implements IdpMetadataSource {
  private final MetadataDocument document;
  private final Clock clock;

  public FileMetadataSource(Path file, Optional<X509Certificate> pinned, int maxBytes, Clock clock)
      throws MetadataRefusedException {
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new MetadataRefusedException(MetadataRefusedException.Kind.UNAVAILABLE,
          "the metadata file " + file + " cannot be read: " + e.getClass().getSimpleName());
    }
    this.document = new MetadataReader(maxBytes).read(bytes, pinned, clock.instant());
  }

  @Override
  public java.util.List<IdpMetadata> known(java.time.Instant now) {
    return document.valid(now);
  }

  @Override
  public Future<Optional<IdpMetadata>> lookup(String entityId) {
    return Future.succeededFuture(document.find(entityId, clock.instant()));
  }
}
