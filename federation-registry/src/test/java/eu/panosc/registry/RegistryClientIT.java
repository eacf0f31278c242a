package eu.panosc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's view of the registry over HTTP: cached, and fresh within seconds of a change. */
class RegistryClientIT {
  @TempDir
  Path dataDir;

  static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void clientWhenMemberApprovedOrChangedThenSeenWithinSecondsAndCachedOtherwise() throws Exception {
    try (LocalIssuer issuer = LocalIssuer.start()) {
      Platform platform = RegistryPlatform.start(dataDir, issuer, false);
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
        assertThat(result(client.get("clients", "scicat"))).as("pending clients are not visible").isEmpty();
        long missesBefore = client.misses();
        assertThat(result(client.get("clients", "scicat"))).isEmpty();
        assertThat(client.misses()).as("'not found' is cached too").isEqualTo(missesBefore);

        long approvedAt = System.nanoTime();
        Http.sendJson("POST", api + "/admin/v1/clients/scicat/approve", admin, null);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
            assertThat(result(client.get("clients", "scicat"))).isPresent());
        assertThat((System.nanoTime() - approvedAt) / 1_000_000).as("approval visible within seconds").isLessThan(5_000);
        assertThat(seen).anyMatch(c -> c.memberId().equals("scicat") && c.action().equals("approve"));

        long hitsBefore = client.hits();
        Optional<JsonObject> cached = result(client.get("clients", "scicat"));
        assertThat(cached.orElseThrow().getString("state")).isEqualTo("approved");
        assertThat(client.hits()).isEqualTo(hitsBefore + 1);

        assertThat(result(client.list("facilities"))).extracting(f -> f.getString("name")).containsExactly("ESRF");
        Http.sendJson("PUT", api + "/admin/v1/facilities/esrf", admin, new JsonObject().put("id", "esrf")
            .put("name", "European Synchrotron").put("country", "FR").encode());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(result(client.list("facilities"))).extracting(f -> f.getString("name"))
                .containsExactly("European Synchrotron"));

        Http.sendJson("POST", api + "/admin/v1/clients/scicat/suspend", admin, null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(result(client.get("clients", "scicat"))).as("suspension seen within seconds").isEmpty());
      } finally {
        client.close();
        platform.stop().get(60, TimeUnit.SECONDS);
      }
    }
  }
}
