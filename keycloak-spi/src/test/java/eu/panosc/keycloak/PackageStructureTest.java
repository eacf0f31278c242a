package eu.panosc.keycloak;

import eu.panosc.platform.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Dependencies between this module's packages point one way (no package loops). */
class PackageStructureTest {
  @Test
  void mainSourcesWhenScannedThenHaveNoPackageLoops() {
    PackageCycles.assertNone(Path.of("src/main/java"));
  }
}
