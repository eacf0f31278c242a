package eu.panosc.platform.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the key-encryption key (KEK) comes from: the key that encrypts every private key a service stores. The
 * current KEK is read from a file ({@code kekFile}, e.g. a mounted Kubernetes Secret) or an environment variable
 * ({@code kekEnv}, its name); earlier KEKs, still able to decrypt rows not yet re-encrypted, are listed in
 * {@code previousKekFiles} and {@code previousKekEnvs}. Without a current KEK, demo and embedded deployments
 * generate one under the data directory.
 *
 * @param kekFile the file holding the current KEK
 * @param kekEnv the name of the environment variable holding the current KEK
 * @param previousKekFiles files holding earlier KEKs (decryption only)
 * @param previousKekEnvs names of environment variables holding earlier KEKs (decryption only)
 */
public record KeysConfig(Optional<Path> kekFile, Optional<String> kekEnv, List<Path> previousKekFiles,
    List<String> previousKekEnvs) {
  private static final String ENV_NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";

  public KeysConfig {
    previousKekFiles = List.copyOf(previousKekFiles);
    previousKekEnvs = List.copyOf(previousKekEnvs);
  }

  /** Nothing configured: a generated KEK (demo and embedded deployments only). */
  public static KeysConfig none() {
    return new KeysConfig(Optional.empty(), Optional.empty(), List.of(), List.of());
  }

  static KeysConfig from(ConfigNode n) {
    Optional<Path> file = n.optionalString("kekFile").map(Path::of);
    Optional<String> env = n.optionalString("kekEnv");
    if (file.isPresent() && env.isPresent()) {
      throw new ConfigException(n.keyOf("kekEnv"), "give either kekFile or kekEnv, not both");
    }
    env.ifPresent(e -> checkEnvName(n, "kekEnv", e));
    List<String> previousEnvs = n.stringList("previousKekEnvs");
    previousEnvs.forEach(e -> checkEnvName(n, "previousKekEnvs", e));
    List<Path> previousFiles = n.stringList("previousKekFiles").stream().map(String::trim)
        .filter(s -> !s.isEmpty()).map(Path::of).toList();
    return new KeysConfig(file, env, previousFiles, previousEnvs);
  }

  private static void checkEnvName(ConfigNode n, String key, String name) {
    if (!name.matches(ENV_NAME)) {
      throw new ConfigException(n.keyOf(key), "expected the name of an environment variable ([A-Za-z_][A-Za-z0-9_]*)");
    }
  }

  /** True when a current KEK is configured (not generated). */
  public boolean configured() {
    return kekFile.isPresent() || kekEnv.isPresent();
  }
}
