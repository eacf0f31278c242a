package eu.panosc.registry;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.platform.testing.LocalIssuer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts a real platform process (embedded PostgreSQL) serving only the registry, trusting a test issuer. */
public final class RegistryPlatform {
  private RegistryPlatform() {}

  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo) throws Exception {
    return start(dataDir, issuer, demo, Map.of());
  }

  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo, Map<String, String> extra)
      throws Exception {
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.putAll(extra);
    return PlatformLauncher.start(dataDir, List.of(new RegistryApplication()), demo, overrides, Clock.systemUTC());
  }
}
