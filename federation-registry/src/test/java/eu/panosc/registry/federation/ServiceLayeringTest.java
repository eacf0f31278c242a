package eu.panosc.registry.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin services below the endpoints raise domain errors; HTTP errors and routing types stay in {@code admin}. */
class ServiceLayeringTest {
  @ParameterizedTest
  @ValueSource(strings = {"TrustMarkAdmin", "UpstreamImport", "FeedUnavailableException"})
  void serviceSourceWhenReadThenNoHttpErrorsOrRoutingTypes(String name) throws Exception {
    String source = Files.readString(Path.of("src/main/java/eu/panosc/registry/federation/" + name + ".java"));
    assertThat(source).doesNotContain("eu.panosc.platform.http.", "io.vertx.ext.web.Router",
        "io.vertx.ext.web.RoutingContext", "eu.panosc.platform.auth.BearerAuth", "eu.panosc.registry.admin.");
  }
}
