package eu.panosc.broker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.BrokerPlatform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reaching, sharing, extending and watching sessions end to end in demo mode: the real PDP decides (alice and bob are
 * members of proposal esrf:MX-2415, dave is not), sessions run on the local driver's built-in page, which answers only
 * the session's access secret — so a page seen through {@code /broker/s/<id>/} proves the broker supplied it. See
 * {@link BrokerPlatform} for the token endpoint stand-in.
 */
class SessionAccessIT {
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  static final String PUBLIC = "10.15151/ESRF-DC-2415002";
  static final String ALICE = "alice@demo.panosc.eu";
  static final String BOB = "bob@demo.panosc.eu";
  static final String DAVE = "dave@demo.panosc.eu";
  static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @RegisterExtension
  static final BrokerPlatform broker = BrokerPlatform.forClass(Map.of());

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(broker.base() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, String> bearer(String user) {
    return Map.of("Authorization", "Bearer " + broker.token(user));
  }

  /** A RUNNING session of {@code user} on {@code dataset}. */
  static String running(String user, String dataset) throws InterruptedException {
    HttpResponse<String> r = broker.post("/v1/sessions", broker.token(user), new JsonObject().put("image", "jupyter")
        .put("flavour", "small").put("datasets", new JsonArray().add(dataset)).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = json(r).getString("id");
    long end = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < end) {
      if (json(broker.get("/v1/sessions/" + id, broker.token(user))).getString("state").equals("RUNNING")) {
        return id;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("session " + id + " did not become RUNNING");
  }

  @Test
  void proxyWhenOwnerThenTheSessionsPageWithoutTheSecretAndRefusalsOtherwise() throws Exception {
    String id = running(ALICE, EMBARGOED);
    HttpResponse<String> page = send("GET", "/s/" + id + "/", bearer(ALICE), null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(EMBARGOED).contains("Analysis session " + id);
    HttpResponse<String> open = send("GET", "/v1/sessions/" + id + "/open", bearer(ALICE), null);
    assertThat(open.statusCode()).isEqualTo(303);
    assertThat(open.headers().firstValue("Location")).contains("/broker/s/" + id + "/");
    String setCookie = open.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("Path=/broker/s/" + id + "/").contains("HTTPOnly").doesNotContain("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> viaCookie = send("GET", "/s/" + id + "/", Map.of("Cookie", cookie, "Accept", "text/html"),
        null);
    assertThat(viaCookie.statusCode()).isEqualTo(200);
    assertThat(viaCookie.body()).contains(EMBARGOED);
    HttpResponse<String> other = send("GET", "/s/" + id + "/", bearer(DAVE), null);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
    HttpResponse<String> none = send("GET", "/s/" + id + "/", Map.of("Accept", "text/html"), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("<h1>Unauthorized</h1>");
    HttpResponse<String> foreignAudience = send("GET", "/s/" + id + "/", Map.of("Authorization", "Bearer "
        + broker.issuer.token("http://elsewhere.example/broker", ALICE)), null);
    assertThat(foreignAudience.statusCode()).isEqualTo(401);
    assertThat(broker.delete("/v1/sessions/" + id, broker.token(ALICE)).statusCode()).isEqualTo(202);
    HttpResponse<String> stopped = send("GET", "/s/" + id + "/", bearer(ALICE), null);
    assertThat(stopped.statusCode()).isEqualTo(404);
    assertThat(json(stopped).getString("detail")).contains("STOPPED");
    assertThat(send("GET", "/s/" + id + "/", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(404);
  }

  @Test
  void shareWhenMemberThenThePdpPermitsReadOnlyHoldsAndRevokeEndsIt() throws Exception {
    String id = running(ALICE, EMBARGOED);
    HttpResponse<String> toDave = send("POST", "/v1/sessions/" + id + "/shares", bearer(ALICE),
        new JsonObject().put("user", DAVE).encode());
    assertThat(toDave.statusCode()).as(toDave.body()).isEqualTo(403);
    assertThat(json(toDave).getString("detail")).contains(EMBARGOED);
    HttpResponse<String> shared = send("POST", "/v1/sessions/" + id + "/shares", bearer(ALICE),
        new JsonObject().put("user", BOB).put("mode", "read-only").encode());
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
    String shareId = json(shared).getString("id");
    assertThat(json(shared).getString("mode")).isEqualTo("read-only");
    assertThat(json(shared).containsKey("invitationToken")).isFalse();
    HttpResponse<String> bobReads = send("GET", "/s/" + id + "/", bearer(BOB), null);
    assertThat(bobReads.statusCode()).isEqualTo(200);
    assertThat(bobReads.body()).contains(EMBARGOED);
    HttpResponse<String> bobWrites = send("POST", "/s/" + id + "/api/kernels", bearer(BOB), "{}");
    assertThat(bobWrites.statusCode()).isEqualTo(403);
    assertThat(json(bobWrites).getString("reason")).isEqualTo("read-only-share");
    assertThat(send("GET", "/v1/sessions/" + id + "/shares", bearer(BOB), null).statusCode()).isEqualTo(404);
    JsonArray shares = json(send("GET", "/v1/sessions/" + id + "/shares", bearer(ALICE), null)).getJsonArray("shares");
    assertThat(shares).hasSize(1);
    assertThat(shares.getJsonObject(0).getString("user")).isEqualTo(BOB);
    JsonArray log = json(send("GET", "/v1/sessions/" + id + "/access-log", bearer(ALICE), null))
        .getJsonArray("entries");
    assertThat(log.stream().map(JsonObject.class::cast)).anySatisfy(e -> {
      assertThat(e.getString("user")).isEqualTo(BOB);
      assertThat(e.getBoolean("granted")).isTrue();
      assertThat(e.getString("reason")).contains("PDP permits");
    });
    assertThat(send("DELETE", "/v1/sessions/" + id + "/shares/" + shareId, bearer(ALICE), null).statusCode())
        .isEqualTo(204);
    assertThat(send("GET", "/s/" + id + "/", bearer(BOB), null).statusCode()).isEqualTo(403);
    assertThat(send("DELETE", "/v1/sessions/" + id + "/shares/" + shareId, bearer(ALICE), null).statusCode())
        .isEqualTo(404);
    broker.delete("/v1/sessions/" + id, broker.token(ALICE));
  }

  @Test
  void invitationWhenRedeemedThenAShareOfItsModeCheckedByThePdpAndRevokingItEndsIt() throws Exception {
    String id = running(ALICE, EMBARGOED);
    HttpResponse<String> inv = send("POST", "/v1/sessions/" + id + "/shares", bearer(ALICE), new JsonObject()
        .put("invitation", true).put("mode", "interactive")
        .put("expiresAt", Instant.now().plus(Duration.ofHours(2)).toString()).encode());
    assertThat(inv.statusCode()).as(inv.body()).isEqualTo(201);
    String token = json(inv).getString("invitationToken");
    assertThat(token).hasSizeGreaterThan(40);
    assertThat(json(inv).getString("kind")).isEqualTo("invitation");
    HttpResponse<String> daveTries = send("POST", "/v1/invitations", bearer(DAVE), new JsonObject().put("token", token)
        .encode());
    assertThat(daveTries.statusCode()).isEqualTo(403);
    HttpResponse<String> bobRedeems = send("POST", "/v1/invitations", bearer(BOB), new JsonObject().put("token", token)
        .encode());
    assertThat(bobRedeems.statusCode()).as(bobRedeems.body()).isEqualTo(201);
    assertThat(json(bobRedeems).getString("mode")).isEqualTo("interactive");
    assertThat(json(bobRedeems).getString("open")).isEqualTo("/broker/v1/sessions/" + id + "/open");
    assertThat(send("POST", "/s/" + id + "/api/kernels", bearer(BOB), "{}").statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "/v1/sessions/" + id + "/shares/" + json(inv).getString("id"), bearer(ALICE), null)
        .statusCode()).isEqualTo(204);
    assertThat(send("GET", "/s/" + id + "/", bearer(BOB), null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/v1/invitations", bearer(BOB), new JsonObject().put("token", token).encode())
        .statusCode()).isEqualTo(404);
    assertThat(send("POST", "/v1/invitations", bearer(BOB), new JsonObject().put("token", "nope").encode())
        .statusCode()).isEqualTo(404);
    JsonArray log = json(send("GET", "/v1/sessions/" + id + "/access-log", bearer(ALICE), null))
        .getJsonArray("entries");
    assertThat(log.stream().map(JsonObject.class::cast)).anySatisfy(e -> {
      assertThat(e.getString("user")).isEqualTo(DAVE);
      assertThat(e.getBoolean("granted")).isFalse();
    });
    broker.delete("/v1/sessions/" + id, broker.token(ALICE));
  }

  @Test
  void shareWhenBadInputThen400NamingTheFieldOr409() throws Exception {
    String id = running(BOB, PUBLIC);
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{}"), "/user");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{\"user\":\"x\",\"invitation\":true}"),
        "/user");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{\"user\":\"x\",\"mode\":\"root\"}"),
        "/mode");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{\"user\":\"x\",\"colour\":1}"),
        "/colour");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB),
        "{\"user\":\"x\",\"expiresAt\":\"tomorrow\"}"), "/expiresAt");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB),
        "{\"user\":\"x\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}"), "/expiresAt");
    assertField(send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{\"user\":\"" + BOB + "\"}"), "/user");
    assertField(send("POST", "/v1/invitations", bearer(BOB), "{\"token\":7}"), "/token");
    assertThat(send("POST", "/v1/sessions/" + id + "/shares", Map.of(), "{\"user\":\"x\"}").statusCode())
        .isEqualTo(401);
    assertThat(send("POST", "/v1/sessions/snope/shares", bearer(BOB), "{\"user\":\"x\"}").statusCode())
        .isEqualTo(404);
    broker.delete("/v1/sessions/" + id, broker.token(BOB));
    HttpResponse<String> stopped = send("POST", "/v1/sessions/" + id + "/shares", bearer(BOB), "{\"user\":\"x\"}");
    assertThat(stopped.statusCode()).isEqualTo(409);
  }

  static void assertField(HttpResponse<String> r, String field) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(r).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
  }

  @Test
  void extendWhenWithinTheLifetimeThenMovedElse409Or400() throws Exception {
    String user = "erin@demo.panosc.eu";
    String id = running(user, PUBLIC);
    Instant before = Instant.parse(json(broker.get("/v1/sessions/" + id, broker.token(user))).getString("expiresAt"));
    Thread.sleep(20);
    HttpResponse<String> plain = send("POST", "/v1/sessions/" + id + "/extend", bearer(user), null);
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    Instant extended = Instant.parse(json(plain).getString("expiresAt"));
    assertThat(extended).isAfter(before).isBefore(Instant.now().plus(Duration.ofDays(14)).plusSeconds(1));
    Instant tooLate = Instant.now().plus(Duration.ofDays(15));
    HttpResponse<String> beyond = send("POST", "/v1/sessions/" + id + "/extend", bearer(user),
        new JsonObject().put("expiresAt", tooLate.toString()).encode());
    assertThat(beyond.statusCode()).isEqualTo(409);
    assertThat(json(beyond).getString("reason")).isEqualTo("user.lifetime");
    assertField(send("POST", "/v1/sessions/" + id + "/extend", bearer(user),
        new JsonObject().put("expiresAt", before.minusSeconds(60).toString()).encode()), "/expiresAt");
    assertField(send("POST", "/v1/sessions/" + id + "/extend", bearer(user), "{\"until\":1}"), "/until");
    assertThat(send("POST", "/v1/sessions/" + id + "/extend", bearer(DAVE), null).statusCode()).isEqualTo(404);
    broker.delete("/v1/sessions/" + id, broker.token(user));
    assertThat(send("POST", "/v1/sessions/" + id + "/extend", bearer(user), null).statusCode()).isEqualTo(409);
  }

  /** Reads an event stream in the background: each event as its lines joined by newlines. */
  static final class Stream2 implements AutoCloseable {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;

    Stream2(String token, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(broker.base() + "/v1/sessions/events"))
          .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      Thread t = new Thread(() -> {
        StringBuilder current = new StringBuilder();
        try {
          response.body().forEach(line -> {
            if (line.isEmpty()) {
              events.add(current.toString());
              current.setLength(0);
            } else {
              current.append(line).append('\n');
            }
          });
        } catch (RuntimeException e) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
    }

    String next() throws InterruptedException {
      String e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    }

    /** The next event that is not a comment. */
    String nextEvent() throws InterruptedException {
      String e;
      do {
        e = next();
      } while (e.startsWith(":"));
      return e;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  static String field(String event, String name) {
    for (String line : event.split("\n")) {
      if (line.startsWith(name + ": ")) {
        return line.substring(name.length() + 2);
      }
    }
    return null;
  }

  @Test
  void eventsWhenSessionsChangeThenStreamedOnlyToTheirOwnerAndResumableWithLastEventId() throws Exception {
    String user = "frank@demo.panosc.eu";
    String lastId;
    String id;
    try (Stream2 s = new Stream2(broker.token(user), null)) {
      assertThat(s.response.statusCode()).isEqualTo(200);
      assertThat(s.response.headers().firstValue("Content-Type")).hasValueSatisfying(c ->
          assertThat(c).startsWith("text/event-stream"));
      String snapshot = s.nextEvent();
      assertThat(field(snapshot, "event")).isEqualTo("snapshot");
      assertThat(new JsonObject(field(snapshot, "data")).getJsonArray("sessions")).isEmpty();
      String other = running("grace@demo.panosc.eu", PUBLIC);
      id = running(user, PUBLIC);
      List<String> states = new java.util.ArrayList<>();
      String e;
      do {
        e = s.nextEvent();
        assertThat(field(e, "event")).isEqualTo("session");
        JsonObject data = new JsonObject(field(e, "data"));
        assertThat(data.getString("id")).as("only the caller's sessions").isEqualTo(id);
        states.add(data.getString("state"));
      } while (!states.contains("RUNNING"));
      assertThat(states).startsWith("PLACING").contains("STARTING");
      lastId = field(e, "id");
      assertThat(lastId).isNotBlank();
      broker.delete("/v1/sessions/" + other, broker.token("grace@demo.panosc.eu"));
    }
    assertThat(broker.delete("/v1/sessions/" + id, broker.token(user)).statusCode()).isEqualTo(202);
    try (Stream2 resumed = new Stream2(broker.token(user), lastId)) {
      String stopping = resumed.nextEvent();
      assertThat(field(stopping, "event")).isEqualTo("session");
      assertThat(new JsonObject(field(stopping, "data")).getString("state")).isEqualTo("STOPPING");
      assertThat(new JsonObject(field(resumed.nextEvent(), "data")).getString("state")).isEqualTo("STOPPED");
    }
    try (Stream2 unknown = new Stream2(broker.token(user), "not-an-id")) {
      String snapshot = unknown.nextEvent();
      assertThat(field(snapshot, "event")).isEqualTo("snapshot");
      assertThat(new JsonObject(field(snapshot, "data")).getJsonArray("sessions").getJsonObject(0)
          .getString("state")).isEqualTo("STOPPED");
    }
    assertThat(Http.get(broker.base() + "/v1/sessions/events").statusCode()).isEqualTo(401);
  }
}
