package eu.panosc.benchmarks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's mock API server in mode {@code lean}: Secrets, Services and claims kept by name (create, 409 on a
 * taken name, get, replace, delete, list; refusals of bad input as Kubernetes {@code Status} answers), Pods still
 * served by the CRUD dispatcher.
 */
class NamedObjectsTest {
  static final String NS = "/api/v1/namespaces/panosc-sessions";
  KubernetesMockServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new NamedObjects(new KubernetesCrudDispatcher()), false);
    server.init();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(server.url(path))).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String secret(String name, String value) {
    return new JsonObject().put("apiVersion", "v1").put("kind", "Secret")
        .put("metadata", new JsonObject().put("name", name)).put("data", new JsonObject().put("k", value)).encode();
  }

  @Test
  void createThenGetReplaceListDeleteByName() throws Exception {
    var created = send("POST", NS + "/secrets", secret("panosc-s1", "djE="));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject meta = new JsonObject(created.body()).getJsonObject("metadata");
    assertThat(meta.getString("uid")).isNotBlank();
    assertThat(meta.getString("namespace")).isEqualTo("panosc-sessions");
    assertThat(new JsonObject(send("GET", NS + "/secrets/panosc-s1", null).body()).getJsonObject("data")
        .getString("k")).isEqualTo("djE=");
    var replaced = send("PUT", NS + "/secrets/panosc-s1", secret("panosc-s1", "djI="));
    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(replaced.body()).getJsonObject("metadata").getString("uid"))
        .isEqualTo(meta.getString("uid"));
    assertThat(new JsonObject(send("GET", NS + "/secrets", null).body()).getJsonArray("items")).hasSize(1);
    assertThat(send("DELETE", NS + "/secrets/panosc-s1", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", NS + "/secrets/panosc-s1", null).statusCode()).isEqualTo(404);
  }

  @Test
  void createWhenTheNameIsTakenThen409AsAStatus() throws Exception {
    assertThat(send("POST", NS + "/services", secret("panosc-s2", "x")).statusCode()).isEqualTo(201);
    var again = send("POST", NS + "/services", secret("panosc-s2", "x"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getString("kind")).isEqualTo("Status");
    assertThat(new JsonObject(again.body()).getString("reason")).isEqualTo("AlreadyExists");
  }

  @Test
  void badInputThenRefusedAsAStatus() throws Exception {
    assertThat(send("POST", NS + "/secrets", "not json").statusCode()).isEqualTo(400);
    assertThat(send("POST", NS + "/secrets", "{\"metadata\":{}}").statusCode()).isEqualTo(422);
    assertThat(send("PUT", NS + "/secrets/missing", secret("missing", "x")).statusCode()).isEqualTo(404);
    assertThat(send("PUT", NS + "/secrets/panosc-s3", "[1]").statusCode()).isEqualTo(400);
    assertThat(send("DELETE", NS + "/secrets/missing", null).statusCode()).isEqualTo(404);
    assertThat(send("PATCH", NS + "/secrets/missing", "{}").statusCode()).isEqualTo(405);
    assertThat(send("DELETE", NS + "/secrets", null).statusCode()).isEqualTo(405);
  }

  @Test
  void podsWhenCreatedThenServedByTheCrudDispatcher() throws Exception {
    String pod = new JsonObject().put("apiVersion", "v1").put("kind", "Pod")
        .put("metadata", new JsonObject().put("name", "panosc-s4")).encode();
    assertThat(send("POST", NS + "/pods", pod).statusCode()).isEqualTo(201);
    assertThat(send("POST", NS + "/pods", pod).statusCode()).isEqualTo(409);
    assertThat(new JsonObject(send("GET", NS + "/pods", null).body()).getJsonArray("items")).hasSize(1);
    assertThat(send("GET", NS + "/secrets/panosc-s4", null).statusCode()).isEqualTo(404);
  }
}
