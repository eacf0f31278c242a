package eu.panosc.platform.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The whole deployment's configuration: one YAML file with {@code ${ENV}} expansion, then command
 * line overrides, validated once at start-up into immutable records.
 *
 * @param server where the HTTP server listens and how it shuts down
 * @param dataDir the directory holding the embedded database and other local state
 * @param demo whether the demo federation and its published credentials are active
 * @param database the database to use; embedded PostgreSQL under {@code dataDir} unless a URL is set
 * @param logging log format and level
 * @param auth how service APIs verify bearer tokens
 * @param keys where the key-encryption key of stored private keys comes from
 * @param leader how replicas elect the one running each singleton ({@link LeaderConfig}); default postgres
 * @param services each service's own section ({@code services.<name>}), read by that service
 */
public record PanoscConfig(
    ServerConfig server,
    Path dataDir,
    boolean demo,
    DatabaseConfig database,
    LoggingConfig logging,
    AuthConfig auth,
    KeysConfig keys,
    LeaderConfig leader,
    Map<String, ConfigNode> services) {

  public static final String DEFAULT_DATA_DIR = "./var";

  public PanoscConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(leader, "leader");
    services = Map.copyOf(services);
  }

  /** Binds and validates the root node; unknown keys are errors. */
  public static PanoscConfig from(ConfigNode root) {
    ServerConfig server = root.read("server", ServerConfig::from);
    Path dataDir = root.path("dataDir", Path.of(DEFAULT_DATA_DIR));
    boolean demo = root.bool("demo", false);
    DatabaseConfig database = root.read("database", DatabaseConfig::from);
    LoggingConfig logging = root.read("logging", LoggingConfig::from);
    AuthConfig auth = root.read("auth", AuthConfig::from);
    KeysConfig keys = root.read("keys", KeysConfig::from);
    LeaderConfig leader = root.read("leader", LeaderConfig::from);
    ConfigNode servicesNode = root.node("services");
    Map<String, ConfigNode> services = new java.util.LinkedHashMap<>();
    for (String name : servicesNode.keys()) {
      services.put(name, servicesNode.node(name));
    }
    root.rejectUnknownKeys();
    return new PanoscConfig(server, dataDir, demo, database, logging, auth, keys, leader, services);
  }

  /** The section {@code services.<name>}, empty when absent. */
  public ConfigNode service(String name) {
    return services.getOrDefault(name, ConfigNode.empty("services." + name));
  }
}
