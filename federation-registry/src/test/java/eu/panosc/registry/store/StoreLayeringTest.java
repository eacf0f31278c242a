package eu.panosc.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Stores raise their own {@link StoreException}; HTTP errors and web types stay with the endpoints. */
class StoreLayeringTest {
  @Test
  void storeSourcesWhenReadThenNoHttpErrorsOrWebTypes() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/eu/panosc/registry/store"))) {
      offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
        String text = read(p);
        return text.contains("eu.panosc.platform.http.") || text.contains("io.vertx.ext.web.");
      }).map(Path::toString).toList();
    }
    assertThat(offenders).isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
