package eu.panosc.aai.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a stub registry: typed answers, and a malformed answer is an error that is not cached. */
class RegistryClientTest {
  final Vertx vertx = Vertx.vertx();
  final Map<String, String> answers = new ConcurrentHashMap<>();
  final java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpServerRequest> poll =
      new java.util.concurrent.atomic.AtomicReference<>();
  HttpServer server;
  RegistryClient client;

  @BeforeEach
  void start() {
    server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/registry/v1/changes")) {
        if (req.params().contains("after")) {
          poll.set(req); // a long poll, answered by the test (answerPoll) or never
          return;
        }
        req.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("changes", new JsonArray()).put("latest", 0).encode());
        return;
      }
      String body = answers.get(req.path());
      if (body == null) {
        req.response().setStatusCode(404).end();
      } else {
        req.response().putHeader("content-type", "application/json").end(body);
      }
    }).listen(0, "127.0.0.1").await();
    client = RegistryClient.http(vertx, URI.create("http://127.0.0.1:" + server.actualPort() + "/registry"),
        () -> Future.succeededFuture("t"));
    client.ready().await();
  }

  @AfterEach
  void stop() {
    client.close();
    vertx.close().await();
  }

  @Test
  void clientWhenWellFormedThenTypedAndCached() {
    answers.put("/registry/v1/clients/scicat", RegistryRecordsTest.clientDoc().encode());

    assertThat(client.client("scicat").await()).map(RegisteredClient::facility).contains("esrf");
    long misses = client.misses();
    assertThat(client.client("scicat").await()).isPresent();
    assertThat(client.misses()).isEqualTo(misses);
    assertThat(client.client("unknown").await()).isEmpty();
  }

  @Test
  void membersWhenIdNoMemberCanHaveThenUnknownWithoutAskingTheRegistry() {
    // the stand-in would fail every member request: an id outside the registry's rule must not reach it
    server.close().await();
    long misses = client.misses();
    for (String id : new String[] {"", "a\u0000b", "line\nbreak", "x".repeat(RegistryClient.MAX_MEMBER_ID + 1)}) {
      assertThat(client.upstreamIdp(id).await()).as("upstream %s", id).isEmpty();
      assertThat(client.client(id).await()).isEmpty();
      assertThat(client.credentials(id).await()).isEmpty();
      assertThat(client.facility(id).await()).isEmpty();
    }
    assertThat(client.misses()).isEqualTo(misses);
    assertThat(RegistryClient.possibleId("x".repeat(RegistryClient.MAX_MEMBER_ID))).isTrue();
    assertThat(RegistryClient.possibleId("https://op.example/entity")).isTrue();
  }

  @Test
  void clientWhenAnswerMalformedThenFailsWithTheFieldAndIsAskedAgainNextTime() {
    answers.put("/registry/v1/clients/scicat", RegistryRecordsTest.clientDoc().put("grantTypes", "all").encode());

    assertThatThrownBy(() -> client.client("scicat").await()).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("grantTypes");
    answers.put("/registry/v1/clients/scicat", RegistryRecordsTest.clientDoc().encode());
    assertThat(client.client("scicat").await()).isPresent();
  }

  @Test
  void credentialsWhenBodyIsNotJsonThenMalformed() {
    answers.put("/registry/v1/clients/scicat/credentials", "<html>oops</html>");

    assertThatThrownBy(() -> client.credentials("scicat").await()).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("body");
  }

  @Test
  void listsWhenOneMemberMalformedThenTheWholeListFailsAndOtherwiseTyped() {
    answers.put("/registry/v1/resource-servers", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("audience", "https://a.example").put("facility", "esrf"))).encode());
    assertThat(client.resourceServers().await()).extracting(ResourceServer::facility).containsExactly("esrf");

    answers.put("/registry/v1/clients", new JsonObject().put("items", new JsonArray()
        .add(RegistryRecordsTest.clientDoc()).add(new JsonObject().put("clientId", "broken"))).encode());
    assertThatThrownBy(() -> client.clients().await()).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("broken");
    answers.put("/registry/v1/clients", new JsonObject().put("items", "none").encode());
    assertThatThrownBy(() -> client.clients().await()).isInstanceOf(RegistryAnswerException.class)
        .hasMessageContaining("items");
  }

  @Test
  void upstreamIdpsWhenOneMemberMalformedThenItIsLeftOutAndTheOthersFollow() {
    answers.put("/registry/v1/upstream-idps", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", "umbrellaid").put("protocol", "saml"))
        .add(new JsonObject().put("id", "bad\nid").put("protocol", "ldap"))
        .add(new JsonObject().put("id", "edu").put("protocol", "oidc"))).encode());

    assertThat(client.upstreamIdps().await()).extracting(UpstreamIdp::id).containsExactly("umbrellaid", "edu");
  }

  private void answerPoll(String body) {
    long until = System.nanoTime() + 5_000_000_000L;
    io.vertx.core.http.HttpServerRequest req;
    while ((req = poll.getAndSet(null)) == null) {
      assertThat(System.nanoTime()).as("a long poll arrives").isLessThan(until);
      Thread.onSpinWait();
    }
    req.response().putHeader("content-type", "application/json").end(body);
  }

  @Test
  void followWhenChangeFeedAnswerMalformedThenCacheClearedAndFollowingGoesOn() {
    answers.put("/registry/v1/clients/scicat", RegistryRecordsTest.clientDoc().encode());
    assertThat(client.client("scicat").await()).isPresent();
    java.util.List<RegistryClient.Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.onChange(seen::add);

    answerPoll("{\"changes\":[42],\"latest\":\"x\"}");
    answerPoll(new JsonObject().put("changes", new JsonArray().add(new JsonObject().put("id", 7)
        .put("collection", "clients").put("memberId", "other").put("action", "updated"))).put("latest", 7).encode());

    long until = System.nanoTime() + 5_000_000_000L;
    while (seen.isEmpty() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(seen).extracting(RegistryClient.Change::memberId).containsExactly("other");
    long misses = client.misses();
    assertThat(client.client("scicat").await()).as("asked again after the malformed answer").isPresent();
    assertThat(client.misses()).isEqualTo(misses + 1);
  }
}
