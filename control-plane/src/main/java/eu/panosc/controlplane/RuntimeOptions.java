package eu.panosc.controlplane;

import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.config.PanoscConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that run services; they override the configuration file. */
final class RuntimeOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: none).")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Directory for the embedded database and local state (default: ./var).")
  Path dataDir;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: 8080).")
  Integer port;

  @Option(names = "--demo", description = "Load the demo federation and accept its published credentials.")
  boolean demo;

  PanoscConfig load(Map<String, String> env) {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (dataDir != null) {
      overrides.put("dataDir", dataDir.toString());
    }
    if (port != null) {
      overrides.put("server.port", port.toString());
    }
    if (demo) {
      overrides.put("demo", "true");
    }
    return new ConfigLoader(env).load(Optional.ofNullable(config), overrides);
  }
}
