package eu.panosc.aai.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's view of the registry over HTTP: typed, cached, and fresh within seconds of a change. */
class RegistryClientIT {
  @TempDir
  Path dataDir;

  static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void clientWhenMemberApprovedOrChangedThenSeenWithinSecondsAndCachedOtherwise() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Platform platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication()), false,
          issuer.configOverrides(), Clock.systemUTC());
      String api = platform.baseUrl() + "/registry";
      String admin = issuer.token(api, "registry-admin", "registry:admin");
      String reader = issuer.token(api, "aai", "registry:read");
      RegistryClient client = RegistryClient.http(platform.vertx(), URI.create(api), () -> Future.succeededFuture(reader));
      List<RegistryClient.Change> seen = new CopyOnWriteArrayList<>();
      client.onChange(seen::add);
      try {
        result(client.ready());
        Http.sendJson("POST", api + "/admin/v1/facilities", admin, new JsonObject().put("id", "esrf").put("name", "ESRF")
            .put("country", "FR").encode());
        Http.sendJson("POST", api + "/admin/v1/facilities/esrf/approve", admin, null);
        Http.sendJson("POST", api + "/admin/v1/clients", admin, new JsonObject().put("clientId", "scicat")
            .put("facility", "esrf").put("type", "service").put("grantTypes", new JsonArray().add("client_credentials"))
            .put("scopes", new JsonArray().add("pdp:evaluate")).encode());

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream()
            .anyMatch(c -> c.memberId().equals("scicat") && c.action().equals("create")));
        assertThat(result(client.client("scicat"))).as("pending clients are not visible").isEmpty();
        long missesBefore = client.misses();
        assertThat(result(client.client("scicat"))).isEmpty();
        assertThat(client.misses()).as("'not found' is cached too").isEqualTo(missesBefore);

        long approvedAt = System.nanoTime();
        Http.sendJson("POST", api + "/admin/v1/clients/scicat/approve", admin, null);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
            assertThat(result(client.client("scicat"))).isPresent());
        assertThat((System.nanoTime() - approvedAt) / 1_000_000).as("approval visible within seconds").isLessThan(5_000);
        assertThat(seen).anyMatch(c -> c.memberId().equals("scicat") && c.action().equals("approve"));
        assertThat(result(client.clients())).extracting(RegisteredClient::clientId).containsExactly("scicat");

        long hitsBefore = client.hits();
        Optional<RegisteredClient> cached = result(client.client("scicat"));
        assertThat(cached.orElseThrow().facility()).isEqualTo("esrf");
        assertThat(cached.orElseThrow().grantTypes()).containsExactly("client_credentials");
        assertThat(client.hits()).isEqualTo(hitsBefore + 1);

        assertThat(result(client.facility("esrf"))).map(Facility::name).contains("ESRF");
        Http.sendJson("PUT", api + "/admin/v1/facilities/esrf", admin, new JsonObject().put("id", "esrf")
            .put("name", "European Synchrotron").put("country", "FR").encode());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(result(client.facility("esrf"))).map(Facility::name).contains("European Synchrotron"));

        Http.sendJson("POST", api + "/admin/v1/clients/scicat/suspend", admin, null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(result(client.client("scicat"))).as("suspension seen within seconds").isEmpty());
        assertThat(result(client.clients())).isEmpty();
      } finally {
        client.close();
        platform.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }
}
