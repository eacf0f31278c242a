package eu.panosc.controlplane;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigLoader;
import eu.panosc.platform.config.PanoscConfig;
import java.nio.file.Files;
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
    PanoscConfig loaded = new ConfigLoader(env).load(Optional.ofNullable(config), overrides);
    checkDataDir(loaded.dataDir());
    return loaded;
  }

  /**
   * The data directory, or the nearest of its parents that exists, must be a directory; otherwise a configuration
   * error (exit 2) says which path is in the way, before anything starts.
   */
  static void checkDataDir(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    if (!Files.isDirectory(existing)) {
      throw new ConfigException("dataDir", existing.equals(dir) ? dir + " is a file, not a directory"
          : "cannot create " + dir + ": " + existing + " is a file, not a directory");
    }
  }
}
