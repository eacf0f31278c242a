package eu.panosc.platform.crypto;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.KeysConfig;
import eu.panosc.platform.config.PanoscConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the key-encryption keys of a deployment ({@code keys.*}) into an {@link EnvelopeEncryption}. The current
 * KEK comes from {@code keys.kekFile} (a mounted Kubernetes Secret is such a file) or the environment variable
 * named by {@code keys.kekEnv}; without either, a demo or embedded deployment generates one once into
 * {@code <dataDir>/keys/kek} (mode 0600) and keeps it, and a deployment on an external database refuses to start.
 * Previous KEKs ({@code keys.previousKekFiles}, {@code keys.previousKekEnvs}) and a generated KEK left in the data
 * directory open envelopes but never seal. Blocking (file I/O).
 */
public final class KeyEncryptionKeys {
  private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKeys.class);
  /** Where a demo or embedded deployment keeps its generated KEK, under the data directory. */
  public static final String GENERATED = "keys/kek";

  private KeyEncryptionKeys() {}

  /** The deployment's KEKs, from its configuration and the process environment. */
  public static EnvelopeEncryption load(PanoscConfig config) {
    return load(config.keys(), config.dataDir(), config.demo() || config.database().embedded(), System.getenv());
  }

  /**
   * @param mayGenerate whether a missing current KEK may be generated into the data directory (demo, embedded)
   * @param env the environment to read {@code kekEnv} and {@code previousKekEnvs} from
   */
  public static EnvelopeEncryption load(KeysConfig keys, Path dataDir, boolean mayGenerate, Map<String, String> env) {
    Path generated = dataDir.resolve(GENERATED);
    KeyEncryptionKey current;
    if (keys.kekFile().isPresent()) {
      current = fromFile(keys.kekFile().get(), "keys.kekFile");
    } else if (keys.kekEnv().isPresent()) {
      current = fromEnv(env, keys.kekEnv().get(), "keys.kekEnv");
    } else if (mayGenerate) {
      current = generatedKek(generated);
    } else {
      throw new ConfigException("keys.kekFile", "a key-encryption key is required with an external database"
          + " outside demo mode: set keys.kekFile (e.g. a mounted Kubernetes Secret) or keys.kekEnv"
          + " to 32 random bytes (openssl rand -base64 32)");
    }
    List<KeyEncryptionKey> previous = new ArrayList<>();
    for (Path p : keys.previousKekFiles()) {
      previous.add(fromFile(p, "keys.previousKekFiles"));
    }
    for (String name : keys.previousKekEnvs()) {
      previous.add(fromEnv(env, name, "keys.previousKekEnvs"));
    }
    if (keys.configured() && Files.isRegularFile(generated)) {
      // a deployment that moves from its generated KEK to a configured one can still open what it sealed
      previous.add(fromFile(generated, "keys (generated " + GENERATED + ")"));
    }
    EnvelopeEncryption out = new EnvelopeEncryption(current, previous);
    LOG.info("key-encryption key {} seals stored private keys ({} previous)", current.id(), out.kekIds().size() - 1);
    return out;
  }

  private static KeyEncryptionKey fromFile(Path file, String key) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read the key-encryption key file " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
    warnIfReadableByOthers(file);
    try {
      return KeyEncryptionKey.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, file + ": " + e.getMessage());
    }
  }

  private static KeyEncryptionKey fromEnv(Map<String, String> env, String name, String key) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "environment variable " + name + " is not set");
    }
    try {
      return KeyEncryptionKey.parse(value.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "environment variable " + name + ": " + e.getMessage());
    }
  }

  /** Reads the generated KEK, creating it first if absent; two processes starting together agree on one. */
  private static KeyEncryptionKey generatedKek(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        restrict(file.getParent(), "rwx------");
        byte[] material = new byte[KeyEncryptionKey.BYTES];
        new SecureRandom().nextBytes(material);
        Path tmp = Files.createTempFile(file.getParent(), "kek", ".tmp");
        try {
          restrict(tmp, "rw-------");
          Files.writeString(tmp, Base64.getEncoder().encodeToString(material) + "\n");
          // a hard link never replaces an existing file: the first writer wins, the others read its key
          Files.createLink(file, tmp);
          LOG.info("generated a key-encryption key into {} (mode 0600); back it up with the database", file);
        } catch (FileAlreadyExistsException e) {
          LOG.debug("another process generated {} first", file);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return KeyEncryptionKey.parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the key-encryption key " + file + ": "
          + e.getClass().getSimpleName(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " is not a key-encryption key: " + e.getMessage(), e);
    }
  }

  private static void restrict(Path p, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("key-encryption key file {} is readable by every user; restrict it (chmod 600 or a Secret's"
            + " defaultMode 0400)", file);
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // permissions unknown: nothing to say
    }
  }
}
