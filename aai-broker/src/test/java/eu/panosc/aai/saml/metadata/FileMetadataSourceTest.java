package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.OTHER;
import static eu.panosc.aai.saml.metadata.MetadataFixture.aggregate;
import static eu.panosc.aai.saml.metadata.MetadataFixture.signed;
import static eu.panosc.aai.saml.metadata.MetadataFixture.smallIdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata from a file is kept current like URL metadata: read again when the file changes, when its
 * {@code cacheDuration} is up and before its {@code validUntil}; a refused new version keeps the last good copy until
 * its {@code validUntil}.
 */
class FileMetadataSourceTest {
  private static final String A = "https://a.example.org/idp";
  private static final String B = "https://b.example.org/idp";
  private static final RefreshPolicy POLICY = new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(12));

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(NOW);

  /** Writes a signed aggregate of {@code ids}; its modification time moves with the test clock, so changes show. */
  private Path write(Path file, String validUntil, String cacheDuration, String... ids) throws Exception {
    String[] entities = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      entities[i] = smallIdp(ids[i]);
    }
    Files.write(file, signed(aggregate(validUntil, cacheDuration, entities), FEDERATION));
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    return file;
  }

  private FileMetadataSource open(Path file) throws Exception {
    return new FileMetadataSource(file, Optional.of(FEDERATION.certificate()), 1 << 20, POLICY, clock, Runnable::run);
  }

  private static boolean holds(FileMetadataSource source, String entityId) {
    return source.lookup(entityId).result().isPresent();
  }

  @Test
  void fileChangedThenReadAgainWithinTheChangeCheckInterval() throws Exception {
    Path file = write(dir.resolve("md.xml"), "2031-06-01T00:00:00Z", "PT12H", A);
    FileMetadataSource source = open(file);
    assertThat(holds(source, A)).isTrue();
    assertThat(holds(source, B)).isFalse();

    clock.advance(Duration.ofMinutes(1));
    write(file, "2031-06-01T00:00:00Z", "PT12H", A, B);
    assertThat(holds(source, B)).as("the change is noticed at the next look after the check interval").isTrue();
    assertThat(source.reads()).isEqualTo(2);
    assertThat(source.known(clock.instant())).extracting(IdpMetadata::entityId).containsExactlyInAnyOrder(A, B);

    clock.advance(Duration.ofMinutes(1));
    holds(source, A);
    assertThat(source.reads()).as("unchanged and not due: not read again").isEqualTo(2);
  }

  @Test
  void cacheDurationUpThenReadAgainEvenIfTheFileLooksUnchanged() throws Exception {
    Path file = dir.resolve("md.xml");
    byte[] first = signed(aggregate("2031-06-01T00:00:00Z", "PT1H", smallIdp(A)), FEDERATION);
    byte[] second = signed(aggregate("2031-06-01T00:00:00Z", "PT1H", smallIdp(B)), FEDERATION);
    int size = Math.max(first.length, second.length);
    Files.write(file, padded(first, size));
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    FileMetadataSource source = open(file);
    FileTime stamp = Files.getLastModifiedTime(file);
    // same size and time: a change the file's stamp cannot show; the cacheDuration still brings it in
    Files.write(file, padded(second, size));
    Files.setLastModifiedTime(file, stamp);
    clock.advance(Duration.ofMinutes(59));
    assertThat(holds(source, A)).isTrue();
    assertThat(source.reads()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    assertThat(holds(source, B)).isTrue();
    assertThat(holds(source, A)).isFalse();
    assertThat(source.reads()).isEqualTo(2);
  }

  /** {@code xml} followed by spaces up to {@code size} bytes (white space after the root element is allowed). */
  private static byte[] padded(byte[] xml, int size) {
    byte[] out = java.util.Arrays.copyOf(xml, size);
    java.util.Arrays.fill(out, xml.length, size, (byte) ' ');
    return out;
  }

  @Test
  void validUntilNearThenReadAgainHalfWaySoANewVersionTakesOverBeforeTheOldExpires() throws Exception {
    Path file = write(dir.resolve("md.xml"), "2031-05-01T14:00:00Z", null, A);
    FileMetadataSource source = open(file);
    write(file, "2031-05-08T00:00:00Z", null, A);
    Files.setLastModifiedTime(file, FileTime.from(NOW));

    clock.advance(Duration.ofHours(2));
    holds(source, A);
    assertThat(source.reads()).as("half-way to validUntil (4 h ahead)").isEqualTo(2);
    clock.advance(Duration.ofHours(3));
    assertThat(holds(source, A)).as("past the first version's validUntil, the second answers").isTrue();
  }

  @Test
  void changedFileRefusedThenLastGoodCopyUntilItsValidUntilThenNothing() throws Exception {
    Path file = write(dir.resolve("md.xml"), "2031-05-01T12:00:00Z", "PT12H", A);
    FileMetadataSource source = open(file);

    clock.advance(Duration.ofMinutes(1));
    Files.write(file, signed(aggregate("2031-06-01T00:00:00Z", null, smallIdp(B)), OTHER));
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    assertThat(holds(source, A)).as("signed by another key: refused, the good copy stays").isTrue();
    assertThat(holds(source, B)).isFalse();
    clock.advance(Duration.ofMinutes(1));
    Files.writeString(file, "<not xml");
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    assertThat(holds(source, A)).as("malformed: refused, the good copy stays").isTrue();

    clock.advance(Duration.ofHours(2));
    assertThat(holds(source, A)).as("the good copy expired").isFalse();
    write(file, "2031-06-01T00:00:00Z", null, A);
    clock.advance(Duration.ofMinutes(6));
    assertThat(holds(source, A)).as("fixed: read again at the next retry").isTrue();
  }

  @Test
  void fileUnreadableOrRefusedAtStartThenRefused() throws Exception {
    assertThatThrownBy(() -> open(dir.resolve("missing.xml"))).isInstanceOf(MetadataRefusedException.class)
        .hasMessageContaining("cannot be read");
    Path file = dir.resolve("foreign.xml");
    Files.write(file, signed(aggregate("2031-06-01T00:00:00Z", null, smallIdp(A)), OTHER));
    assertThatThrownBy(() -> open(file)).isInstanceOf(MetadataRefusedException.class);
  }
}
