package eu.panosc.registry;

import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Starts a real platform process (embedded PostgreSQL) serving only the registry, trusting a test issuer. */
public final class RegistryPlatform {
  private RegistryPlatform() {}

  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo) throws Exception {
    return start(dataDir, issuer, demo, Map.of());
  }

  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo, Map<String, String> extra)
      throws Exception {
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.put("dataDir", dataDir.toString());
    overrides.put("server.port", "0");
    overrides.put("server.host", "127.0.0.1");
    overrides.put("demo", Boolean.toString(demo));
    overrides.putAll(extra);
    var config = new ConfigLoader(Map.of()).load(Optional.empty(), overrides);
    return Platform.start(config, List.of(new RegistryApplication()), Clock.systemUTC()).get(120, TimeUnit.SECONDS);
  }
}
