package eu.panosc.aai.oidc;

import eu.panosc.platform.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves an upstream OP's {@code credentialsRef} from the federation-registry to the client secret the broker holds:
 * the registry stores only the reference, the secret lives with the broker. {@code secret/<name>} is the file
 * {@code <directory>/<name>/clientSecret} (a Kubernetes Secret with key {@code clientSecret} mounted as a volume, one
 * directory per Secret, or any file an operator puts there). {@code <name>} must be a Kubernetes object name, so a
 * reference cannot point outside the directory; {@code vault/...} references are refused (no Vault client here).
 */
public final class UpstreamSecrets {
  private static final Pattern NAME = Pattern.compile(
      "[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
  private static final int MAX_SECRET = 4096;

  /** A reference that cannot be resolved; the message says why (never the secret). */
  public static final class UnresolvableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnresolvableException(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Optional<Path> directory;

  /** {@code directory}: where the mounted secrets lie (empty: no reference resolves). */
  public UpstreamSecrets(Vertx vertx, Optional<Path> directory) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.directory = Objects.requireNonNull(directory, "directory").map(d -> d.toAbsolutePath().normalize());
  }

  /** The secret {@code ref} names; fails with {@link UnresolvableException} saying why. */
  public Future<Secret> resolve(String ref) {
    if (ref == null || ref.isEmpty()) {
      return Future.failedFuture(new UnresolvableException("no credentialsRef"));
    }
    if (ref.startsWith("vault/")) {
      return Future.failedFuture(new UnresolvableException("credentialsRef " + ref + ": Vault references are not "
          + "supported by the aai-broker; use secret/<name>"));
    }
    if (!ref.startsWith("secret/")) {
      return Future.failedFuture(new UnresolvableException("credentialsRef must be secret/<name>"));
    }
    String name = ref.substring("secret/".length());
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      return Future.failedFuture(new UnresolvableException("credentialsRef " + ref + ": <name> must be a Kubernetes "
          + "object name (lower-case letters, digits, '-' and '.')"));
    }
    if (directory.isEmpty()) {
      return Future.failedFuture(new UnresolvableException("credentialsRef " + ref + ": no directory of upstream "
          + "secrets is configured (services.aai.registryUpstreams.credentialsDirectory)"));
    }
    Path dir = directory.get();
    return vertx.executeBlocking(() -> read(ref, dir, name), false);
  }

  private static Secret read(String ref, Path dir, String name) {
    Path file = dir.resolve(name).resolve("clientSecret").normalize();
    if (!file.startsWith(dir)) {
      throw new UnresolvableException("credentialsRef " + ref + " points outside " + dir);
    }
    String value;
    try {
      if (Files.size(file) > MAX_SECRET) {
        throw new UnresolvableException("credentialsRef " + ref + ": " + file + " is larger than " + MAX_SECRET
            + " bytes");
      }
      value = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new UnresolvableException("credentialsRef " + ref + ": no file " + file + " (mount the Secret " + name
          + " there)");
    } catch (IOException e) {
      throw new UnresolvableException("credentialsRef " + ref + ": cannot read " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new UnresolvableException("credentialsRef " + ref + " names an empty secret or one with control "
          + "characters");
    }
    return new Secret(value);
  }
}
