package eu.panosc.broker.clusters;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Resolves a cluster's {@code credentialsRef} from the federation-registry to the bearer token the broker presents
 * to that cluster's API server. The registry stores only the reference; the token lives with the broker:
 * <ul>
 *   <li>{@link #mounted}: {@code secret/<name>} is the file {@code <directory>/<name>/token} (a Kubernetes Secret
 *       mounted as a volume, one directory per Secret, or any file an operator puts there);</li>
 *   <li>{@link #kubernetesSecrets}: {@code secret/<name>} is key {@code token} of the Secret {@code <name>} in the
 *       broker's own namespace, read through the Kubernetes API.</li>
 * </ul>
 * {@code <name>} must be a Kubernetes object name (DNS subdomain: no {@code ..}, no {@code /}), so a reference cannot
 * point outside the directory. {@code vault/…} references are refused (no Vault client here).
 */
public abstract sealed class CredentialsResolver {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
  private static final int MAX_TOKEN = 64 * 1024;

  /** A reference that cannot be resolved; the message says why (never the credentials). */
  public static final class UnresolvableException extends RuntimeException {
    UnresolvableException(String message) {
      super(message, null, false, false);
    }
  }

  protected final Vertx vertx;

  private CredentialsResolver(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  /** References resolved from files under {@code directory}. */
  public static CredentialsResolver mounted(Vertx vertx, Path directory) {
    return new Mounted(vertx, directory);
  }

  /** References resolved from Secrets in {@code namespace}, read through {@code client}. */
  public static CredentialsResolver kubernetesSecrets(Vertx vertx, KubernetesClient client, String namespace) {
    return new Secrets(vertx, client, namespace);
  }

  /** The token {@code credentialsRef} names; fails with {@link UnresolvableException} saying why. */
  public final Future<String> token(String credentialsRef) {
    if (credentialsRef == null || credentialsRef.isEmpty()) {
      return Future.failedFuture(new UnresolvableException("no credentialsRef"));
    }
    if (credentialsRef.startsWith("vault/")) {
      return Future.failedFuture(new UnresolvableException("credentialsRef " + credentialsRef
          + ": Vault references are not supported by the broker; use secret/<name>"));
    }
    if (!credentialsRef.startsWith("secret/")) {
      return Future.failedFuture(new UnresolvableException("credentialsRef must be secret/<name>"));
    }
    String name = credentialsRef.substring("secret/".length());
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      return Future.failedFuture(new UnresolvableException("credentialsRef " + credentialsRef
          + ": <name> must be a Kubernetes object name (lower-case letters, digits, '-' and '.')"));
    }
    return vertx.<String>executeBlocking(() -> resolve(credentialsRef, name), false).compose(t -> {
      String token = t == null ? "" : t.strip();
      if (token.isEmpty()) {
        return Future.failedFuture(new UnresolvableException("credentialsRef " + credentialsRef + " names an empty token"));
      }
      if (token.length() > MAX_TOKEN || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        return Future.failedFuture(new UnresolvableException("credentialsRef " + credentialsRef
            + " does not hold a bearer token (printable ASCII, at most 64 KiB)"));
      }
      return Future.succeededFuture(token);
    });
  }

  abstract String resolve(String ref, String name);

  private static final class Mounted extends CredentialsResolver {
    private final Path directory;

    Mounted(Vertx vertx, Path directory) {
      super(vertx);
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    @Override
    String resolve(String ref, String name) {
      Path file = directory.resolve(name).resolve("token").normalize();
      if (!file.startsWith(directory)) {
        throw new UnresolvableException("credentialsRef " + ref + " points outside " + directory);
      }
      try {
        if (Files.size(file) > MAX_TOKEN) {
          throw new UnresolvableException("credentialsRef " + ref + ": " + file + " is larger than 64 KiB");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new UnresolvableException("credentialsRef " + ref + ": no file " + file + " (mount the Secret "
            + name + " there)");
      } catch (IOException e) {
        throw new UnresolvableException("credentialsRef " + ref + ": cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  private static final class Secrets extends CredentialsResolver {
    private final KubernetesClient client;
    private final String namespace;

    Secrets(Vertx vertx, KubernetesClient client, String namespace) {
      super(vertx);
      this.client = Objects.requireNonNull(client, "client");
      this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    String resolve(String ref, String name) {
      Secret secret;
      try {
        secret = client.secrets().inNamespace(namespace).withName(name).get();
      } catch (RuntimeException e) {
        throw new UnresolvableException("credentialsRef " + ref + ": cannot read Secret " + namespace + "/" + name
            + ": " + e.getMessage());
      }
      if (secret == null) {
        throw new UnresolvableException("credentialsRef " + ref + ": there is no Secret " + namespace + "/" + name);
      }
      Map<String, String> string = secret.getStringData();
      if (string != null && string.get("token") != null) {
        return string.get("token");
      }
      Map<String, String> data = secret.getData();
      if (data == null || data.get("token") == null) {
        throw new UnresolvableException("credentialsRef " + ref + ": Secret " + namespace + "/" + name
            + " has no key 'token'");
      }
      try {
        return new String(Base64.getDecoder().decode(data.get("token")), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new UnresolvableException("credentialsRef " + ref + ": key 'token' of Secret " + namespace + "/" + name
            + " is not base64");
      }
    }
  }
}
