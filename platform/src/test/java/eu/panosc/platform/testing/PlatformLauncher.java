package eu.panosc.platform.testing;

import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real platform for integration tests: embedded PostgreSQL under {@code dataDir}, a random port on
 * 127.0.0.1, the given modules, {@code demo} on or off, and further configuration overrides.
 */
public final class PlatformLauncher {
  private PlatformLauncher() {}

  public static Platform start(Path dataDir, List<ServiceModule> modules, boolean demo, Map<String, String> extra,
      Clock clock) throws Exception {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("dataDir", dataDir.toString());
    overrides.put("server.port", "0");
    overrides.put("server.host", "127.0.0.1");
    overrides.put("demo", Boolean.toString(demo));
    overrides.putAll(extra);
    var config = new ConfigLoader(Map.of()).load(Optional.empty(), overrides);
    return Platform.start(config, modules, clock).get(120, TimeUnit.SECONDS);
  }
}
