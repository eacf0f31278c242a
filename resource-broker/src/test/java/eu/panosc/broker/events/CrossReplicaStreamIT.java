package eu.panosc.broker.events;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.api.SessionJson;
import eu.panosc.broker.api.SessionsEndpoint;
import eu.panosc.broker.cull.Notice;
import eu.panosc.broker.cull.PgLifecycleStore;
import eu.panosc.broker.driver.local.LocalProcessDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.session.DatasetLocations;
import eu.panosc.broker.session.Rules;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.staging.PgStagingStore;
import eu.panosc.broker.staging.Staging;
import eu.panosc.broker.staging.StagingProgress;
import eu.panosc.broker.staging.StagingSettings;
import eu.panosc.broker.store.Announcer;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.store.SessionFeed;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker replicas on one embedded PostgreSQL, wired as {@code BrokerApplication} wires them (announcing stores,
 * {@link SessionFeed}, {@link FeedEvents}, {@link PgSessionViews}), each serving the session API and the event
 * stream over HTTP with tokens verified for real. A user's stream on replica B sees a session created and stopped
 * through replica A's API once per change, in order, under the same ids as A's stream; a stream resumes with
 * {@code Last-Event-ID} on either replica without a snapshot; another user's stream never sees it; a staging
 * progress change and a warning each give an event whose {@code staging} / {@code warnings} equal what
 * {@code GET /v1/sessions/{id}} answers.
 */
class CrossReplicaStreamIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);
  static final String AUDIENCE = "https://broker.example/broker";
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  static LocalIssuer issuer;
  static Replica a;
  static Replica b;

  record Replica(String base, PgBrokerStore store, SessionService sessions, PgStagingStore staging,
      PgLifecycleStore lifecycle, SessionFeed feed, HttpServer server) {}

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static Replica replica(String name) {
    var vertx = DB.vertx();
    Pool pool = DB.pool();
    Clock clock = Clock.systemUTC();
    SessionEvents events = new SessionEvents(1000);
    Announcer announcer = new Announcer(events.origin());
    PgSessionViews views = new PgSessionViews(pool);
    FeedEvents feedEvents = new FeedEvents(vertx, views, events);
    announcer.listener(feedEvents);
    PgBrokerStore store = new PgBrokerStore(pool, announcer);
    PgStagingStore staging = new PgStagingStore(pool, Optional.of(announcer));
    PgLifecycleStore lifecycle = new PgLifecycleStore(pool, Optional.of(announcer));
    Cluster local = new Cluster("local", Cluster.Kind.LOCAL, Optional.empty(), new Resources(8, 16384, 0), Map.of(),
        Map.of(), 50, Optional.empty());
    SessionService sessions = new SessionService(store, Placer.standard(), List.of(local), Map.of("local",
        new LocalProcessDriver(vertx, List.of(), Path.of("target", "cross-replica-" + name))),
        (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of()), Rules.defaults(), clock)
        .staging(new Staging(staging, StagingSettings.DEFAULTS, id -> Optional.empty(), clock));
    SessionFeed feed = new SessionFeed(vertx, pool, feedEvents::notice, feedEvents::changed, clock,
        Duration.ofMillis(200), Duration.ofSeconds(1));
    await(feed.start());
    BearerAuth auth = BearerAuth.create(vertx, new BearerAuthConfig(issuer.issuer(), Set.of(AUDIENCE),
        URI.create(issuer.issuer() + "/jwks")), clock);
    Router root = Router.router(vertx);
    Router sub = Router.router(vertx);
    new SessionEventsEndpoint(events, views, SessionJson::view, Duration.ofSeconds(15), clock)
        .mount(sub, auth.requireScopes(), "broker:admin");
    new SessionsEndpoint(sessions).notices(list -> lifecycle.notices(list.stream().map(s -> s.id()).toList()))
        .mount(sub, auth);
    sub.route().failureHandler(new FailureHandler());
    root.route("/broker/*").subRouter(sub);
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    return new Replica("http://127.0.0.1:" + server.actualPort() + "/broker", store, sessions, staging, lifecycle,
        feed, server);
  }

  @BeforeAll
  static void start() {
    issuer = LocalIssuer.start();
    a = replica("a");
    b = replica("b");
    await(a.store().putFlavour(Fixtures.flavour("small", 1, 1024, 0)));
    await(a.store().putImage(Fixtures.image("jupyter")));
  }

  @AfterAll
  static void stop() {
    for (Replica r : List.of(a, b)) {
      await(r.feed().close());
      await(r.server().close());
    }
    issuer.close();
  }

  static String token(String user) {
    return issuer.token(AUDIENCE, user);
  }

  /** An event stream read in the background: each event as its lines joined by newlines. */
  static final class Sse implements AutoCloseable {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;

    Sse(Replica on, String user, String lastEventId) throws Exception {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(on.base() + "/v1/sessions/events"))
          .header("Authorization", "Bearer " + token(user)).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        req.header("Last-Event-ID", lastEventId);
      }
      response = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      Thread t = new Thread(() -> {
        StringBuilder current = new StringBuilder();
        try {
          response.body().forEach(line -> {
            if (line.isEmpty()) {
              if (!current.isEmpty() && current.charAt(0) != ':') {
                events.add(current.toString());
              }
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

    /** The session events until one shows {@code state}, with every one before it. */
    List<String> until(String id, String state) throws InterruptedException {
      List<String> out = new ArrayList<>();
      String e;
      do {
        e = next();
        assertThat(field(e, "event")).isEqualTo("session");
        out.add(e);
      } while (!(data(e).getString("id").equals(id) && data(e).getString("state").equals(state)));
      return out;
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

  static JsonObject data(String event) {
    return new JsonObject(field(event, "data"));
  }

  static List<String> states(List<String> events) {
    return events.stream().map(e -> data(e).getString("state")).toList();
  }

  static List<String> ids(List<String> events) {
    return events.stream().map(e -> field(e, "id")).toList();
  }

  /** Advances the session on A (its reconciler's work) until it is RUNNING. */
  static void runOnA(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (await(a.store().get(id)).orElseThrow().state() != SessionState.RUNNING) {
      assertThat(System.nanoTime()).as("RUNNING within 20 s").isLessThan(deadline);
      await(a.sessions().advance(id));
      Thread.sleep(50);
    }
  }

  static void assertInLifecycleOrderOnce(List<String> states) {
    List<String> order = List.of("PENDING", "PLACING", "STAGING", "STARTING", "RUNNING", "STOPPING", "STOPPED");
    assertThat(states).doesNotHaveDuplicates();
    assertThat(states.stream().map(order::indexOf).toList()).isSorted().doesNotContain(-1);
  }

  @Test
  void sessionChangedThroughReplicaAWhenStreamedOnBThenOnceInOrderSameIdsResumableOnEitherAndNotToOthers()
      throws Exception {
    String alice = "alice-" + System.nanoTime();
    String id;
    List<String> onA;
    List<String> onB;
    String lastOnB;
    try (Sse streamB = new Sse(b, alice, null); Sse streamA = new Sse(a, alice, null);
        Sse otherB = new Sse(b, "mallory", null)) {
      for (Sse s : List.of(streamB, streamA, otherB)) {
        String snapshot = s.next();
        assertThat(field(snapshot, "event")).isEqualTo("snapshot");
        assertThat(data(snapshot).getJsonArray("sessions")).isEmpty();
      }
      HttpResponse<String> created = Http.sendJson("POST", a.base() + "/v1/sessions", token(alice),
          "{\"image\":\"jupyter\",\"flavour\":\"small\",\"datasets\":[]}");
      assertThat(created.statusCode()).isEqualTo(202);
      id = new JsonObject(created.body()).getString("id");
      runOnA(id);
      onB = streamB.until(id, "RUNNING");
      onA = streamA.until(id, "RUNNING");
      lastOnB = field(onB.get(onB.size() - 1), "id");
      Thread.sleep(300); // a duplicate would have arrived by now
      assertThat(streamB.events).isEmpty();
      assertThat(otherB.events).as("another user's stream").isEmpty();
    }
    // A made the changes: it tells each state exactly as written; B, reading them, the same or fewer, never twice
    assertThat(states(onA)).containsExactly("PLACING", "STARTING", "RUNNING");
    assertInLifecycleOrderOnce(states(onB));
    assertThat(states(onB)).endsWith("RUNNING");
    // the same notice, the same id on both replicas (B's read of a notice may already show a later state: the
    // later notice is then a silent position on B)
    assertThat(ids(onA)).containsAll(ids(onB));
    List<String> afterLastOnBOnA = states(onA.subList(ids(onA).indexOf(lastOnB) + 1, onA.size()));

    // stopped through A while nobody listens; the stream resumes on A from B's id: no snapshot, just what followed
    assertThat(Http.sendJson("DELETE", a.base() + "/v1/sessions/" + id, token(alice), null).statusCode())
        .isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (await(a.store().get(id)).orElseThrow().state() != SessionState.STOPPED) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      await(a.sessions().advance(id));
      Thread.sleep(50);
    }
    List<String> resumedOnA;
    try (Sse resumed = new Sse(a, alice, lastOnB)) {
      resumedOnA = resumed.until(id, "STOPPED");
    }
    assertThat(resumedOnA).allSatisfy(e -> assertThat(field(e, "event")).isEqualTo("session"));
    // exactly what A's stream had after that id, then the stop
    List<String> expected = new ArrayList<>(afterLastOnBOnA);
    expected.addAll(List.of("STOPPING", "STOPPED"));
    assertThat(states(resumedOnA)).containsExactlyElementsOf(expected);
    // and on B from A's STOPPING: the end, however B read the two notices
    String stoppingOnA = field(resumedOnA.get(resumedOnA.size() - 2), "id");
    try (Sse resumed = new Sse(b, alice, stoppingOnA)) {
      List<String> rest = resumed.until(id, "STOPPED");
      assertThat(rest).allSatisfy(e -> assertThat(field(e, "event")).isEqualTo("session"));
      assertThat(states(rest)).containsExactly("STOPPED");
    }
    // an id B never gave (unknown) still gets a snapshot
    try (Sse unknown = new Sse(b, alice, "nobody:1")) {
      String snapshot = unknown.next();
      assertThat(field(snapshot, "event")).isEqualTo("snapshot");
      assertThat(data(snapshot).getJsonArray("sessions").getJsonObject(0).getString("state")).isEqualTo("STOPPED");
    }
  }

  @Test
  void stagingProgressAndWarningWrittenOnAWhenStreamedOnBThenEventsCarryWhatGetShows() throws Exception {
    String carol = "carol-" + System.nanoTime();
    try (Sse streamB = new Sse(b, carol, null)) {
      assertThat(field(streamB.next(), "event")).isEqualTo("snapshot");
      HttpResponse<String> created = Http.sendJson("POST", a.base() + "/v1/sessions", token(carol),
          "{\"image\":\"jupyter\",\"flavour\":\"small\",\"datasets\":[]}");
      assertThat(created.statusCode()).isEqualTo(202);
      String id = new JsonObject(created.body()).getString("id");
      runOnA(id);
      streamB.until(id, "RUNNING");
      Instant now = Instant.now();
      StagingProgress p = new StagingProgress(id, "local", "panosc-" + id + "-staging",
          StagingProgress.State.RUNNING, 2, 1, 2000, 1000, Optional.empty(), now, now);
      await(a.staging().put(p));
      String staged = streamB.next();
      assertThat(data(staged).getString("id")).isEqualTo(id);
      JsonObject staging = data(staged).getJsonObject("staging");
      assertThat(staging.getInteger("done")).isEqualTo(1);
      assertThat(staging.getLong("bytesDone")).isEqualTo(1000L);
      // the same progress written again (a later pass, only its time moved): no event
      await(a.staging().put(p.advanced(StagingProgress.State.RUNNING, 1, 1000, Optional.empty(),
          now.plusSeconds(1))));
      Notice warning = new Notice(id, Notice.Kind.LIFETIME_WARNING, now.plus(Duration.ofHours(48)), 48, now,
          "this session ends in 48 hours unless extended");
      assertThat(await(a.lifecycle().notify(warning))).isTrue();
      String warned = streamB.next();
      assertThat(data(warned).getJsonObject("staging").getInteger("done"))
          .as("the staging written again told nothing new").isEqualTo(1);
      assertThat(data(warned).getJsonArray("warnings")).hasSize(1);
      assertThat(data(warned).getJsonArray("warnings").getJsonObject(0).getString("kind"))
          .isEqualTo("lifetime-warning");
      // the same notice again: nothing new, no event
      assertThat(await(a.lifecycle().notify(warning))).isFalse();
      Thread.sleep(300);
      assertThat(streamB.events).isEmpty();
      // the event's fields are what GET answers (on either replica)
      JsonObject got = new JsonObject(Http.getAuthorized(b.base() + "/v1/sessions/" + id, token(carol)).body());
      assertThat(data(warned).getJsonObject("staging").put("updated", "x"))
          .isEqualTo(got.getJsonObject("staging").put("updated", "x"));
      assertThat(data(warned).getJsonArray("warnings")).isEqualTo(got.getJsonArray("warnings"));
      JsonObject withoutTimes = data(warned).copy();
      withoutTimes.remove("staging");
      JsonObject gotWithoutTimes = got.copy();
      gotWithoutTimes.remove("staging");
      assertThat(withoutTimes).isEqualTo(gotWithoutTimes);
    }
  }
}
