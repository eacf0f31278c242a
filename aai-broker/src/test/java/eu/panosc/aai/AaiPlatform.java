package eu.panosc.aai;

import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.service.Platform;
import eu.panosc.registry.RegistryApplication;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The registry and the aai-broker in one real process (embedded PostgreSQL): the registry trusts the aai. */
final class AaiPlatform {
  private AaiPlatform() {}

  static Platform start(Path dataDir, boolean demo, Map<String, String> extra) throws Exception {
    return start(dataDir, demo, extra, Clock.systemUTC());
  }

  static Platform start(Path dataDir, boolean demo, Map<String, String> extra, Clock clock) throws Exception {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("dataDir", dataDir.toString());
    overrides.put("server.port", "0");
    overrides.put("server.host", "127.0.0.1");
    overrides.put("demo", Boolean.toString(demo));
    overrides.putAll(extra);
    var config = new ConfigLoader(Map.of()).load(Optional.empty(), overrides);
    return Platform.start(config, List.of(new RegistryApplication(), new AaiApplication()), clock)
        .get(120, TimeUnit.SECONDS);
  }
}
