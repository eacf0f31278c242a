package eu.panosc.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.BrokerPlatform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker's API end to end in demo mode: the real PDP decides (demo proposals and datasets), sessions run on the
 * local process driver's built-in page; see {@link BrokerPlatform} for the token endpoint stand-in.
 */
class BrokerApiIT {
  static final String EMBARGOED = "10.15151/ESRF-DC-2415001";
  static final String PUBLIC = "10.15151/ESRF-DC-2415002";
  static final String ALICE = "alice@demo.panosc.eu";
  static final String DAVE = "dave@demo.panosc.eu";

  @RegisterExtension
  static final BrokerPlatform broker = BrokerPlatform.forClass(Map.of());

  static String body(String image, String flavour, String... datasets) {
    return new JsonObject().put("image", image).put("flavour", flavour)
        .put("datasets", new JsonArray(List.of((Object[]) datasets))).encode();
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static JsonObject awaitState(String id, String token, String state) throws InterruptedException {
    return awaitStateOn(broker, id, token, state);
  }

  /** Polls the session on {@code on} until it is in {@code state} (20 s at most). */
  static JsonObject awaitStateOn(BrokerPlatform on, String id, String token, String state) throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    JsonObject s;
    do {
      s = json(on.get("/v1/sessions/" + id, token));
      if (s.getString("state").equals(state)) {
        return s;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    throw new AssertionError("session " + id + " is " + s.getString("state") + ", not " + state + ": " + s);
  }

  @Test
  void catalogueWhenPlainUserThenNoStaffFlavourAndAdminSeesIt() {
    var images = json(broker.get("/v1/images", broker.token(DAVE))).getJsonArray("images");
    assertThat(images.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("desktop", "jupyter");
    JsonObject desktop = images.getJsonObject(0);
    assertThat(desktop.getString("kind")).isEqualTo("desktop");
    assertThat(desktop.getString("protocol")).isEqualTo("guacamole");
    assertThat(desktop.getInteger("port")).isEqualTo(8080);
    var flavours = json(broker.get("/v1/flavours", broker.token(DAVE))).getJsonArray("flavours");
    assertThat(flavours.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("medium", "small");
    var all = json(broker.get("/v1/flavours", broker.token("root", "broker:admin"))).getJsonArray("flavours");
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("medium", "small",
        "staff-large");
  }

  @Test
  void createWhenMemberThenPlacedRunningPageShowsDatasetsAndStopStopsIt() throws Exception {
    String alice = broker.token(ALICE);
    HttpResponse<String> r = broker.post("/v1/sessions", alice, body("jupyter", "small", EMBARGOED));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject created = json(r);
    String id = created.getString("id");
    assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/v1/sessions/" + id));
    assertThat(created.getString("state")).isIn("STARTING", "RUNNING");
    assertThat(created.getString("owner")).isEqualTo(ALICE);
    assertThat(created.getJsonObject("placement").getString("cluster")).isEqualTo("local");
    assertThat(created.getJsonObject("placement").getString("reason")).startsWith("local scored")
        .contains("mounts esrf-gpfs");
    String secret = created.getString("accessSecret");
    assertThat(secret).hasSizeGreaterThan(40);

    JsonObject running = awaitState(id, alice, "RUNNING");
    assertThat(running.containsKey("accessSecret")).isFalse();
    String url = running.getString("url");
    assertThat(url).startsWith("http://127.0.0.1:");
    assertThat(Http.get(url).statusCode()).isEqualTo(401);
    HttpResponse<String> page = Http.getAuthorized(url, secret);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(EMBARGOED).contains("JupyterLab");

    HttpResponse<String> stopped = broker.delete("/v1/sessions/" + id, alice);
    assertThat(stopped.statusCode()).isEqualTo(202);
    assertThat(json(stopped).getString("state")).isEqualTo("STOPPED");
    assertThat(json(stopped).containsKey("url")).isFalse();
    assertThat(catchStatus(url, secret)).isEqualTo(-1);
  }

  static int catchStatus(String url, String token) {
    try {
      return Http.getAuthorized(url, token).statusCode();
    } catch (java.io.UncheckedIOException e) {
      return -1;
    }
  }

  @Test
  void createWhenPdpRefusesADatasetThen403NamingIt() {
    HttpResponse<String> r = broker.post("/v1/sessions", broker.token(DAVE), body("jupyter", "small", PUBLIC,
        EMBARGOED));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(r).getString("resource")).isEqualTo(EMBARGOED);
    assertThat(json(r).getString("detail")).startsWith("You may not analyse dataset " + EMBARGOED);
    assertThat(broker.resolved.get()).as("the pairwise sub was looked up").isPositive();
    assertThat(json(broker.get("/v1/sessions", broker.token(DAVE))).getJsonArray("sessions")).isEmpty();
  }

  @Test
  void createWhenPublicDataOnlyThenAnyoneMay() {
    String token = broker.token("erin@demo.panosc.eu");
    HttpResponse<String> r = broker.post("/v1/sessions", token, body("desktop", "medium", PUBLIC));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    broker.delete("/v1/sessions/" + json(r).getString("id"), token);
  }

  @Test
  void createWhenBadInputThen400NamingTheField() {
    String t = broker.token(ALICE);
    assertProblem(broker.post("/v1/sessions", t, body("nope", "small")), 400, "/image");
    assertProblem(broker.post("/v1/sessions", t, body("jupyter", "huge")), 400, "/flavour");
    assertProblem(broker.post("/v1/sessions", t, body("jupyter", "staff-large")), 400, "/flavour");
    assertProblem(broker.post("/v1/sessions", t, "{\"flavour\":\"small\"}"), 400, "/image");
    assertProblem(broker.post("/v1/sessions", t, "{\"image\":\"jupyter\",\"flavour\":\"small\",\"datasets\":\"x\"}"),
        400, "/datasets");
    assertProblem(broker.post("/v1/sessions", t, "{\"image\":\"jupyter\",\"flavour\":\"small\",\"datasets\":[7]}"),
        400, "/datasets/0");
    assertProblem(broker.post("/v1/sessions", t, "{\"image\":\"jupyter\",\"flavour\":\"small\",\"colour\":1}"),
        400, "/colour");
    assertProblem(broker.post("/v1/sessions", t, "{\"image\":\"ju\\u0000pyter\",\"flavour\":\"small\"}"), 400,
        "/image");
    assertThat(broker.post("/v1/sessions", t, "[1]").statusCode()).isEqualTo(400);
    assertThat(broker.post("/v1/sessions", t, "{").statusCode()).isEqualTo(400);
    HttpResponse<String> charge = broker.post("/v1/sessions", t, new JsonObject().put("image", "jupyter")
        .put("flavour", "small").put("proposal", "ill:9-10-1650").encode());
    assertThat(charge.statusCode()).isEqualTo(403);
    assertThat(json(charge).getString("resource")).isEqualTo("ill:9-10-1650");
  }

  static void assertProblem(HttpResponse<String> r, int status, String field) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(r).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
  }

  @Test
  void requestsWhenNoOrForeignTokenThen401And404() {
    assertThat(Http.get(broker.base() + "/v1/sessions").statusCode()).isEqualTo(401);
    assertThat(Http.send(HttpRequest.newBuilder(URI.create(broker.base() + "/v1/sessions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body("jupyter", "small")))
        .build()).statusCode()).isEqualTo(401);
    String frank = broker.token("frank@demo.panosc.eu");
    HttpResponse<String> r = broker.post("/v1/sessions", frank, body("jupyter", "small"));
    String id = json(r).getString("id");
    String grace = broker.token("grace@demo.panosc.eu");
    assertThat(broker.get("/v1/sessions/" + id, grace).statusCode()).isEqualTo(404);
    assertThat(broker.delete("/v1/sessions/" + id, grace).statusCode()).isEqualTo(404);
    assertThat(broker.get("/v1/sessions/" + id, frank).statusCode()).isEqualTo(200);
    assertThat(broker.get("/v1/sessions/" + id, broker.token("root", "broker:admin")).statusCode()).isEqualTo(200);
    assertThat(json(broker.get("/v1/sessions", grace)).getJsonArray("sessions")).isEmpty();
    assertThat(json(broker.get("/v1/sessions", broker.token("root", "broker:admin"))).getJsonArray("sessions")
        .stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);
    assertThat(broker.get("/v1/sessions/" + "x".repeat(65), frank).statusCode()).isEqualTo(400);
    HttpResponse<String> patch = Http.send(HttpRequest.newBuilder(URI.create(broker.base() + "/v1/sessions/" + id))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(patch.statusCode()).isEqualTo(401);
    broker.delete("/v1/sessions/" + id, frank);
  }

  @Test
  void createWhenTwentyInParallelThenExactlyTheLimitAnd409NamesIt() throws Exception {
    String token = broker.token("heidi@demo.panosc.eu");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<HttpResponse<String>>> all = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        all.add(pool.submit(() -> broker.post("/v1/sessions", token, body("jupyter", "small"))));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (var f : all) {
        answers.add(f.get());
      }
      assertThat(answers.stream().filter(a -> a.statusCode() == 202)).hasSize(2);
      assertThat(answers.stream().filter(a -> a.statusCode() == 409)).hasSize(18)
          .allSatisfy(a -> assertThat(json(a).getString("limit")).isEqualTo("user.maxActive"));
    } finally {
      pool.shutdown();
    }
    JsonArray mine = json(broker.get("/v1/sessions", token)).getJsonArray("sessions");
    assertThat(mine).hasSize(2);
    mine.forEach(s -> broker.delete("/v1/sessions/" + ((JsonObject) s).getString("id"), token));
    assertThat(broker.post("/v1/sessions", token, body("jupyter", "small")).statusCode()).isEqualTo(202);
  }
}
