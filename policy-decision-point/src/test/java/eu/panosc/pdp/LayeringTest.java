package eu.panosc.pdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only endpoints (and the composition root) handle requests; services and stores below them take no RoutingContext. */
class LayeringTest {
  /** Besides the endpoints: the composition root and the AuthZEN error, rendered by the platform's failure handler. */
  private static final Set<String> ALLOWED = Set.of("PdpApplication.java", "AuthzenException.java");

  @Test
  void sourcesWhenBelowTheEndpointsThenNoRoutingContext() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.getFileName().toString().endsWith("Endpoint.java"))
          .filter(p -> !ALLOWED.contains(p.getFileName().toString()))
          .filter(p -> read(p).contains("RoutingContext")).map(Path::toString).toList();
    }
    assertThat(offenders).isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
