package eu.panosc.broker.clusters;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code credentialsRef} resolution from mounted files and from Secrets on a Fabric8 mock API server. */
class CredentialsResolverTest {
  @TempDir
  Path dir;
  Vertx vertx;
  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
    vertx.close().await();
  }

  static String outcome(Future<String> f) {
    try {
      return "token:" + f.await();
    } catch (CredentialsResolver.UnresolvableException e) {
      return "refused:" + e.getMessage();
    }
  }

  @Test
  void mountedWhenTheFileExistsThenItsStrippedContent() throws Exception {
    Files.createDirectories(dir.resolve("esrf-k8s"));
    Files.writeString(dir.resolve("esrf-k8s/token"), "  abc.def-ghi\n");
    assertThat(outcome(CredentialsResolver.mounted(vertx, dir).token("secret/esrf-k8s"))).isEqualTo("token:abc.def-ghi");
  }

  @Test
  void mountedWhenBadReferencesThenRefusedNamingWhyNeverTheToken() throws Exception {
    CredentialsResolver r = CredentialsResolver.mounted(vertx, dir.resolve("creds"));
    Files.createDirectories(dir.resolve("creds/empty"));
    Files.writeString(dir.resolve("creds/empty/token"), " \n");
    Files.createDirectories(dir.resolve("creds/binary"));
    Files.writeString(dir.resolve("creds/binary/token"), "two words");
    Files.createDirectories(dir.resolve("outside"));
    Files.writeString(dir.resolve("outside/token"), "stolen");
    assertThat(outcome(r.token("secret/missing"))).startsWith("refused:").contains("no file");
    assertThat(outcome(r.token("secret/empty"))).startsWith("refused:").contains("empty token");
    assertThat(outcome(r.token("secret/binary"))).startsWith("refused:").contains("bearer token")
        .doesNotContain("two words");
    // the registry accepts [A-Za-z0-9._/-] after secret/: a path out of the directory is refused here
    assertThat(outcome(r.token("secret/../outside"))).startsWith("refused:").contains("Kubernetes object name");
    assertThat(outcome(r.token("secret/a/b"))).startsWith("refused:").contains("Kubernetes object name");
    assertThat(outcome(r.token("secret/"))).startsWith("refused:");
    assertThat(outcome(r.token("vault/panosc/esrf"))).startsWith("refused:").contains("Vault");
    assertThat(outcome(r.token("file:/etc/passwd"))).startsWith("refused:").contains("secret/<name>");
    assertThat(outcome(r.token(""))).startsWith("refused:");
  }

  @Test
  void kubernetesSecretsWhenTheSecretHasATokenThenItIsUsed() {
    client.secrets().inNamespace("panosc").resource(new SecretBuilder().withNewMetadata().withName("ill-k8s")
        .endMetadata().withData(Map.of("token", Base64.getEncoder().encodeToString("ill-token\n"
            .getBytes(StandardCharsets.UTF_8)))).build()).create();
    client.secrets().inNamespace("panosc").resource(new SecretBuilder().withNewMetadata().withName("no-token")
        .endMetadata().withData(Map.of("kubeconfig", "eA==")).build()).create();
    client.secrets().inNamespace("elsewhere").resource(new SecretBuilder().withNewMetadata().withName("other")
        .endMetadata().withData(Map.of("token", "eA==")).build()).create();
    CredentialsResolver r = CredentialsResolver.kubernetesSecrets(vertx, client, "panosc");
    assertThat(outcome(r.token("secret/ill-k8s"))).isEqualTo("token:ill-token");
    assertThat(outcome(r.token("secret/no-token"))).startsWith("refused:").contains("no key 'token'");
    assertThat(outcome(r.token("secret/other"))).startsWith("refused:").contains("no Secret panosc/other");
  }
}
