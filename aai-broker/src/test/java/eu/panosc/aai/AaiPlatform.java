package eu.panosc.aai;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The registry and the aai-broker in one real process (embedded PostgreSQL): the registry trusts the aai. */
final class AaiPlatform {
  private AaiPlatform() {}

  static Platform start(Path dataDir, boolean demo, Map<String, String> extra) throws Exception {
    return start(dataDir, demo, extra, Clock.systemUTC());
  }

  static Platform start(Path dataDir, boolean demo, Map<String, String> extra, Clock clock) throws Exception {
    return PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication()), demo, extra, clock);
  }
}
