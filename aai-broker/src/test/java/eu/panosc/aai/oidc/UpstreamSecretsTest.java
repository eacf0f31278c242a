package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry OP's {@code credentialsRef} resolved to the client secret the broker holds, and every bad reference. */
class UpstreamSecretsTest {
  static Vertx vertx;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Files.createDirectories(dir.resolve("partner"));
    Files.writeString(dir.resolve("partner").resolve("clientSecret"), "s3cret\n");
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("empty").resolve("clientSecret"), " \n");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String failure(Future<?> f) {
    try {
      f.await();
    } catch (RuntimeException e) {
      assertThat(e).isInstanceOf(UpstreamSecrets.UnresolvableException.class);
      return e.getMessage();
    }
    throw new AssertionError("resolved");
  }

  @Test
  void resolveWhenMountedThenTheFileStripped() {
    assertThat(new UpstreamSecrets(vertx, Optional.of(dir)).resolve("secret/partner").await().value())
        .isEqualTo("s3cret");
  }

  @Test
  void resolveWhenBadReferenceThenUnresolvableSayingWhyNeverTheSecret() {
    UpstreamSecrets secrets = new UpstreamSecrets(vertx, Optional.of(dir));

    assertThat(failure(secrets.resolve("vault/x"))).contains("Vault");
    assertThat(failure(secrets.resolve("s3cret"))).contains("secret/<name>");
    assertThat(failure(secrets.resolve("secret/../partner"))).contains("Kubernetes object name");
    assertThat(failure(secrets.resolve("secret/missing"))).contains("no file");
    assertThat(failure(secrets.resolve("secret/empty"))).contains("empty");
    assertThat(failure(secrets.resolve(""))).contains("no credentialsRef");
    assertThat(failure(new UpstreamSecrets(vertx, Optional.empty()).resolve("secret/partner")))
        .contains("credentialsDirectory").doesNotContain("s3cret");
  }
}
