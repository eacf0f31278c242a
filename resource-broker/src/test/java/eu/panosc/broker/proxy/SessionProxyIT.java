package eu.panosc.broker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.access.AccessGate;
import eu.panosc.broker.access.ActivityRecorder;
import eu.panosc.broker.access.Sharing;
import eu.panosc.broker.access.ShareRequest;
import eu.panosc.broker.driver.Upstream;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Share;
import eu.panosc.broker.session.AccessCheck;
import eu.panosc.broker.store.InMemoryAccessStore;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authenticating reverse proxy in process, in front of a real upstream: a tiny Vert.x server standing in for a
 * session (it answers only the session's access secret, echoes each request's method, URI and headers as JSON, and
 * echoes WebSocket frames). Tokens come from a {@link LocalIssuer} and are verified for real; the PDP is stood in for
 * by a rule (members of the proposal may analyse its dataset) — {@code SessionAccessIT} asks the real PDP.
 */
class SessionProxyIT {
  static final String SECRET = "session-secret-abc";
  static Vertx vertx;
  static LocalIssuer issuer;
  static MutableClock clock;
  static HttpServer upstream;
  static HttpServer broker;
  static HttpClient http;
  static WebSocketClient wsClient;
  static InMemoryBrokerStore store;
  static InMemoryAccessStore accessStore;
  static AccessGate gate;
  static ActivityRecorder activity;
  static Sharing sharing;
  static String audience;
  static eu.panosc.broker.events.SessionEvents events;
  static final Set<String> MEMBERS = Set.of("alice", "bob", "bea");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    issuer = LocalIssuer.start();
    clock = new MutableClock(Instant.now());
    upstream = await(vertx.createHttpServer().requestHandler(req -> {
      if (!("Bearer " + SECRET).equals(req.getHeader("Authorization"))) {
        req.response().setStatusCode(401).end("no secret");
        return;
      }
      if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
        req.toWebSocket().onSuccess(ws -> ws.textMessageHandler(m -> ws.writeTextMessage("echo:" + m)));
        return;
      }
      JsonObject headers = new JsonObject();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT),
          String.join(" | ", req.headers().getAll(h.getKey()))));
      req.body().onSuccess(b -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri()).put("headers", headers)
              .put("body", b.toString()).encode()));
    }).listen(0, "127.0.0.1"));
    store = new InMemoryBrokerStore();
    accessStore = new InMemoryAccessStore();
    AccessCheck pdp = (caller, datasets) -> Future.succeededFuture(MEMBERS.contains(caller.user()) ? Optional.empty()
        : Optional.of(new AccessCheck.Denial(datasets.get(0), "not a member of the proposal")));
    gate = new AccessGate(store, accessStore, pdp, clock);
    activity = new ActivityRecorder(store, clock);
    sharing = new Sharing(store, accessStore, pdp, gate, clock);
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    broker = vertx.createHttpServer();
    Router root = Router.router(vertx);
    Router sub = Router.router(vertx);
    int upstreamPort = upstream.actualPort();
    HttpClient proxyClient = vertx.createHttpClient();
    // the broker listens first so that the audience (its URL) is known
    await(broker.requestHandler(root).listen(0, "127.0.0.1"));
    audience = "http://127.0.0.1:" + broker.actualPort() + "/broker";
    BearerAuth auth = BearerAuth.create(vertx, new BearerAuthConfig(issuer.issuer(), Set.of(audience),
        URI.create(issuer.issuer() + "/jwks")), clock);
    new SessionProxy(gate, s -> Future.succeededFuture(Optional.of(Upstream.bearer("127.0.0.1", upstreamPort, SECRET))),
        activity, new LaunchCookies(key, clock), proxyClient, URI.create("https://broker.example/")).mount(sub,
        auth.requireScopes());
    events = new eu.panosc.broker.events.SessionEvents(100);
    new eu.panosc.broker.events.SessionEventsEndpoint(events, store, eu.panosc.broker.api.SessionJson::session,
        Duration.ofMillis(200), clock).mount(sub, auth.requireScopes(), "broker:admin");
    sub.route().failureHandler(new FailureHandler());
    root.route("/broker/*").subRouter(sub);
    http = vertx.createHttpClient();
    wsClient = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    issuer.close();
    await(vertx.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  record Answer(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject echoed() {
      return json().getJsonObject("headers");
    }
  }

  static Answer send(HttpMethod method, String path, Map<String, String> headers, String body) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(broker.actualPort())
        .setURI(path);
    headers.forEach(o::addHeader);
    return await(http.request(o).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.headers(), b.toString())))));
  }

  static Answer get(String path, Map<String, String> headers) {
    return send(HttpMethod.GET, path, headers, null);
  }

  static String token(String user) {
    return issuer.token(audience, user);
  }

  static Map<String, String> bearer(String user) {
    return Map.of("Authorization", "Bearer " + token(user));
  }

  /** A session of {@code owner} in {@code state}, with one dataset. */
  static Session session(String owner, SessionState state) {
    String id = "s" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    Session s = Fixtures.session(id, owner, null, new Resources(1, 1024, 0), SessionState.PENDING);
    await(store.create(s, new Quota(100, Optional.empty())));
    return await(store.update(id, x -> state == SessionState.RUNNING ? x.running("http://127.0.0.1:1/", Instant.now())
        : x.withState(state, Instant.now()))).orElseThrow();
  }

  @Test
  void proxyWhenOwnerBearerThenUpstreamGetsSecretNotCallerCredentialsAndForwardedHeaders() {
    Session s = session("alice", SessionState.RUNNING);
    Map<String, String> h = new java.util.LinkedHashMap<>(bearer("alice"));
    h.put("Cookie", "theme=dark; " + LaunchCookies.NAME + "=forged; _xsrf=abc");
    h.put("Connection", "keep-alive, X-Drop-Me");
    h.put("X-Drop-Me", "1");
    h.put("Keep-Alive", "timeout=5");
    h.put("Proxy-Authorization", "Basic eDp5");
    h.put("X-Forwarded-For", "6.6.6.6");
    h.put("X-Forwarded-Host", "evil.example");
    h.put("Forwarded", "for=6.6.6.6");
    Answer a = get("/broker/s/" + s.id() + "/api/contents?type=notebook", h);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().getString("uri")).isEqualTo("/broker/s/" + s.id() + "/api/contents?type=notebook");
    JsonObject e = a.echoed();
    assertThat(e.getString("authorization")).isEqualTo("Bearer " + SECRET);
    assertThat(e.getString("cookie")).isEqualTo("theme=dark; _xsrf=abc");
    assertThat(e.containsKey("x-drop-me")).isFalse();
    assertThat(e.containsKey("keep-alive")).isFalse();
    assertThat(e.containsKey("proxy-authorization")).isFalse();
    assertThat(e.containsKey("forwarded")).isFalse();
    assertThat(e.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(e.getString("x-forwarded-proto")).isEqualTo("https");
    assertThat(e.getString("x-forwarded-prefix")).isEqualTo("/broker/s/" + s.id());
    assertThat(e.getString("x-forwarded-host")).doesNotContain("evil.example");
    assertThat(e.getString("host")).isEqualTo("127.0.0.1:" + upstream.actualPort());
  }

  @Test
  void proxyWhenPostWithBodyThenBodyArrives() {
    Session s = session("alice", SessionState.RUNNING);
    Answer a = send(HttpMethod.POST, "/broker/s/" + s.id() + "/api/kernels", bearer("alice"), "{\"name\":\"py\"}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().getString("method")).isEqualTo("POST");
    assertThat(a.json().getString("body")).isEqualTo("{\"name\":\"py\"}");
  }

  @Test
  void proxyWhenNoCredentialsThen401ProblemOrHumanPage() {
    Session s = session("alice", SessionState.RUNNING);
    Answer api = get("/broker/s/" + s.id() + "/", Map.of());
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.headers().get("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.headers().get("WWW-Authenticate")).startsWith("Bearer");
    assertThat(api.json().getString("reason")).isEqualTo("no-credentials");
    Answer page = get("/broker/s/" + s.id() + "/", Map.of("Accept", "text/html,application/xhtml+xml"));
    assertThat(page.status()).isEqualTo(401);
    assertThat(page.headers().get("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<h1>Unauthorized</h1>").contains("launch link");
    Answer bad = get("/broker/s/" + s.id() + "/", Map.of("Authorization", "Bearer not.a.token"));
    assertThat(bad.status()).isEqualTo(401);
    assertThat(bad.headers().get("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void proxyWhenTokenExpiredThen401() {
    Session s = session("alice", SessionState.RUNNING);
    String t = token("alice");
    assertThat(get("/broker/s/" + s.id() + "/", Map.of("Authorization", "Bearer " + t)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(10));
    try {
      Answer a = get("/broker/s/" + s.id() + "/", Map.of("Authorization", "Bearer " + t));
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.headers().get("WWW-Authenticate")).contains("invalid_token");
    } finally {
      clock.advance(Duration.ofMinutes(-10));
    }
  }

  @Test
  void proxyWhenAnotherUserOrStoppedOrStartingOrUnknownThen403Or404Or409() {
    Session s = session("alice", SessionState.RUNNING);
    Answer other = get("/broker/s/" + s.id() + "/", bearer("mallory"));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().getString("reason")).isEqualTo("not-shared");
    Session stopped = session("alice", SessionState.STOPPED);
    Answer gone = get("/broker/s/" + stopped.id() + "/", bearer("alice"));
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().getString("detail")).contains("STOPPED");
    Session starting = session("alice", SessionState.STARTING);
    assertThat(get("/broker/s/" + starting.id() + "/", bearer("alice")).status()).isEqualTo(409);
    assertThat(get("/broker/s/snope/", bearer("alice")).status()).isEqualTo(404);
    // a session stopped while the gate remembers it RUNNING is refused once the change is known
    await(store.update(s.id(), x -> x.withState(SessionState.STOPPED, Instant.now())));
    gate.forget(s.id());
    assertThat(get("/broker/s/" + s.id() + "/", bearer("alice")).status()).isEqualTo(404);
  }

  @Test
  void proxyWhenPathWithoutSlashThenRedirectedToTheSessionsBase() {
    Session s = session("alice", SessionState.RUNNING);
    Answer a = get("/broker/s/" + s.id() + "?x=1", Map.of());
    assertThat(a.status()).isEqualTo(308);
    assertThat(a.headers().get("Location")).isEqualTo("/broker/s/" + s.id() + "/?x=1");
  }

  @Test
  void webSocketWhenOwnerThenEchoedThroughTheProxyAndCountedAsActivity() throws Exception {
    Session s = session("alice", SessionState.RUNNING);
    WebSocket ws = await(wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(broker.actualPort()).setURI("/broker/s/" + s.id() + "/api/kernels/k1/channels")
        .addHeader("Authorization", "Bearer " + token("alice"))).recover(e -> Future.failedFuture(new AssertionError(
            e instanceof io.vertx.core.http.UpgradeRejectedException u ? u.getStatus() + " " + u.getHeaders() + " "
                + u.getBody() : e.toString()))));
    CompletableFuture<String> got = new CompletableFuture<>();
    ws.textMessageHandler(got::complete);
    ws.writeTextMessage("hello");
    assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    assertThat(activity.openConnections(s.id())).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    Instant before = await(store.get(s.id())).orElseThrow().lastActivity();
    assertThat(await(activity.flush())).isGreaterThanOrEqualTo(1);
    assertThat(await(store.get(s.id())).orElseThrow().lastActivity()).isAfter(before);
    await(ws.close());
    long end = System.nanoTime() + 5_000_000_000L;
    while (activity.openConnections(s.id()) > 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(activity.openConnections(s.id())).isZero();
  }

  @Test
  void webSocketWhenNoCredentialsThenRefusedBeforeUpgrade() {
    Session s = session("alice", SessionState.RUNNING);
    var f = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(broker.actualPort())
        .setURI("/broker/s/" + s.id() + "/ws"));
    Throwable failure = f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("401");
  }

  @Test
  void sharedWhenReadOnlyThenGetPassesButPostAndWebSocketAre403AndAccessLogged() {
    Session s = session("alice", SessionState.RUNNING);
    Caller alice = Fixtures.user("alice");
    await(sharing.share(alice, s.id(), new ShareRequest(Optional.of("bob"), Share.Mode.READ_ONLY, Optional.empty())));
    Answer read = get("/broker/s/" + s.id() + "/lab", bearer("bob"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.echoed().getString("authorization")).isEqualTo("Bearer " + SECRET);
    Answer write = send(HttpMethod.POST, "/broker/s/" + s.id() + "/api/kernels", bearer("bob"), "{}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().getString("reason")).isEqualTo("read-only-share");
    var f = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(broker.actualPort())
        .setURI("/broker/s/" + s.id() + "/ws").addHeader("Authorization", "Bearer " + token("bob")));
    Throwable failure = f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("403");
    var log = await(accessStore.accessLog(s.id()));
    assertThat(log).anySatisfy(r -> {
      assertThat(r.user()).isEqualTo("bob");
      assertThat(r.granted()).isTrue();
    });
  }

  @Test
  void sharedWhenPdpRefusesTheShareeThen403AndTheRefusalIsLogged() {
    Session s = session("alice", SessionState.RUNNING);
    // a share stored for a user the PDP does not let analyse the data (e.g. they left the proposal since)
    await(accessStore.putShare(new Share("sh-left", s.id(), Optional.of("carl"), Optional.empty(), Optional.empty(),
        Share.Mode.INTERACTIVE, "alice", Instant.now(), Optional.empty(), Optional.empty())));
    Answer a = get("/broker/s/" + s.id() + "/", bearer("carl"));
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.json().getString("reason")).isEqualTo("dataset-forbidden");
    assertThat(await(accessStore.accessLog(s.id()))).anySatisfy(r -> {
      assertThat(r.user()).isEqualTo("carl");
      assertThat(r.granted()).isFalse();
      assertThat(r.reason()).contains("PDP refused");
    });
  }

  @Test
  void sharedWhenRevokedThenRefusedAtOnce() {
    Session s = session("alice", SessionState.RUNNING);
    var created = await(sharing.share(Fixtures.user("alice"), s.id(), new ShareRequest(Optional.of("bea"),
        Share.Mode.INTERACTIVE, Optional.empty())));
    assertThat(send(HttpMethod.POST, "/broker/s/" + s.id() + "/x", bearer("bea"), "{}").status()).isEqualTo(200);
    await(sharing.revoke(Fixtures.user("alice"), s.id(), created.share().id()));
    assertThat(get("/broker/s/" + s.id() + "/", bearer("bea")).status()).isEqualTo(403);
  }

  @Test
  void launchLinkWhenOwnerThenCookieScopedToTheSessionReachesItAndNothingElse() {
    Session s = session("alice", SessionState.RUNNING);
    Answer open = get("/broker/v1/sessions/" + s.id() + "/open", bearer("alice"));
    assertThat(open.status()).isEqualTo(303);
    assertThat(open.headers().get("Location")).isEqualTo("/broker/s/" + s.id() + "/");
    String setCookie = open.headers().get("Set-Cookie");
    assertThat(setCookie).startsWith(LaunchCookies.NAME + "=").contains("Path=/broker/s/" + s.id() + "/")
        .contains("HTTPOnly").contains("SameSite=Lax").contains("Max-Age=3600").contains("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Answer page = get("/broker/s/" + s.id() + "/", Map.of("Cookie", cookie));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.echoed().containsKey("cookie")).isFalse();
    Session other = session("alice", SessionState.RUNNING);
    assertThat(get("/broker/s/" + other.id() + "/", Map.of("Cookie", cookie)).status()).isEqualTo(401);
    String tampered = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");
    assertThat(get("/broker/s/" + s.id() + "/", Map.of("Cookie", tampered)).status()).isEqualTo(401);
    assertThat(get("/broker/v1/sessions/" + s.id() + "/open", bearer("mallory")).status()).isEqualTo(403);
    assertThat(get("/broker/v1/sessions/" + s.id() + "/open", Map.of()).status()).isEqualTo(401);
  }

  @Test
  void forwardAuthWhenOwnerThen200WithUserElseRefusals() {
    Session s = session("alice", SessionState.RUNNING);
    Map<String, String> h = new java.util.HashMap<>(bearer("alice"));
    h.put("X-Original-URI", "/broker/s/" + s.id() + "/lab?reset");
    Answer ok = get("/broker/v1/auth", h);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers().get("X-Panosc-User")).isEqualTo("alice");
    assertThat(ok.headers().get("X-Panosc-Access")).isEqualTo("owner");
    Answer traefik = get("/broker/v1/auth", Map.of("Authorization", "Bearer " + token("alice"),
        "X-Forwarded-Uri", "/sessions/" + s.id()));
    assertThat(traefik.status()).isEqualTo(200);
    Answer header = get("/broker/v1/auth", Map.of("Authorization", "Bearer " + token("mallory"),
        "X-Panosc-Session", s.id()));
    assertThat(header.status()).isEqualTo(403);
    assertThat(get("/broker/v1/auth", Map.of("X-Panosc-Session", s.id())).status()).isEqualTo(401);
    Answer none = get("/broker/v1/auth", bearer("alice"));
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.headers().get("Content-Type")).isEqualTo("application/problem+json");
    await(sharing.share(Fixtures.user("alice"), s.id(), new ShareRequest(Optional.of("bob"), Share.Mode.READ_ONLY,
        Optional.empty())));
    Map<String, String> bobPost = new java.util.HashMap<>(bearer("bob"));
    bobPost.put("X-Original-URI", "/broker/s/" + s.id() + "/api/kernels");
    bobPost.put("X-Original-Method", "POST");
    assertThat(get("/broker/v1/auth", bobPost).status()).isEqualTo(403);
    bobPost.put("X-Original-Method", "GET");
    Answer bobGet = get("/broker/v1/auth", bobPost);
    assertThat(bobGet.status()).isEqualTo(200);
    assertThat(bobGet.headers().get("X-Panosc-Access")).isEqualTo("read_only");
  }

  @Test
  void forwardedSessionWhenUriHoldsNoSessionIdThenNone() {
    assertThat(SessionProxy.SESSION_IN_URI.matcher("/broker/s/short/").find()).isFalse();
    assertThat(SessionProxy.SESSION_IN_URI.matcher("/x/sabcdefghij0123456789/").find()).isTrue();
    assertThat(SessionProxy.SESSION_IN_URI.matcher("/x/sabcdefghij0123456789").find()).isTrue();
    assertThat(SessionProxy.SESSION_IN_URI.matcher("/x/sabcdefghij0123456789x/").find()).isFalse();
  }

  /**
   * A real nginx (Debian package, {@code auth_request} module) in front of the upstream, asking the broker's
   * {@code /broker/v1/auth} before every request, as {@code auth_request} deployments and ingress-nginx do.
   */
  @Test
  void forwardAuthWhenBehindRealNginxThenOwnerPassesWithUserHeaderAndOthersAre401Or403() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of(
        "/usr/sbin/nginx")), "nginx is not installed (apt-get install nginx-light)");
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("nginx-forward-auth");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String conf = """
        worker_processes 1;
        error_log %1$s/error.log warn;
        pid %1$s/nginx.pid;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
          server {
            listen 127.0.0.1:%2$d;
            location /broker/s/ {
              auth_request /_panosc_auth;
              auth_request_set $panosc_user $upstream_http_x_panosc_user;
              proxy_set_header X-Panosc-User $panosc_user;
              proxy_set_header Authorization "Bearer %3$s";
              proxy_pass http://127.0.0.1:%4$d;
            }
            location = /_panosc_auth {
              internal;
              proxy_pass http://127.0.0.1:%5$d/broker/v1/auth;
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header X-Original-URI $request_uri;
              proxy_set_header X-Original-Method $request_method;
            }
          }
        }
        """.formatted(dir, port, SECRET, upstream.actualPort(), broker.actualPort());
    java.nio.file.Files.writeString(dir.resolve("nginx.conf"), conf);
    Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf")
        .toString(), "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
        .start();
    try {
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      java.util.function.BiFunction<String, String[], java.net.http.HttpResponse<String>> call = (path, headers) -> {
        var b = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
          b.header(headers[i], headers[i + 1]);
        }
        try {
          return client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          return null;
        }
      };
      Session s = session("alice", SessionState.RUNNING);
      long end = System.nanoTime() + 10_000_000_000L;
      java.net.http.HttpResponse<String> first;
      do {
        first = call.apply("/broker/s/" + s.id() + "/lab", new String[] {"Authorization", "Bearer " + token("alice")});
        if (first == null) {
          Thread.sleep(100);
        }
      } while (first == null && System.nanoTime() < end);
      assertThat(first).as("nginx answers (%s)", dir).isNotNull();
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      JsonObject echoed = new JsonObject(first.body()).getJsonObject("headers");
      assertThat(echoed.getString("x-panosc-user")).isEqualTo("alice");
      assertThat(echoed.getString("authorization")).isEqualTo("Bearer " + SECRET);
      assertThat(call.apply("/broker/s/" + s.id() + "/", new String[0]).statusCode()).isEqualTo(401);
      assertThat(call.apply("/broker/s/" + s.id() + "/", new String[] {"Authorization", "Bearer " + token("mallory")})
          .statusCode()).isEqualTo(403);
      Session stopped = session("alice", SessionState.STOPPED);
      assertThat(call.apply("/broker/s/" + stopped.id() + "/", new String[] {"Authorization", "Bearer "
          + token("alice")}).statusCode()).as("an ended session: 403, not nginx's 500").isEqualTo(403);
      await(sharing.share(Fixtures.user("alice"), s.id(), new ShareRequest(Optional.of("bob"), Share.Mode.READ_ONLY,
          Optional.empty())));
      var bobGet = call.apply("/broker/s/" + s.id() + "/", new String[] {"Authorization", "Bearer " + token("bob")});
      assertThat(bobGet.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(bobGet.body()).getJsonObject("headers").getString("x-panosc-user")).isEqualTo("bob");
      var bobPost = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/broker/s/" + s.id() + "/api/kernels")).header("Authorization", "Bearer " + token("bob"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(bobPost.statusCode()).isEqualTo(403);
    } finally {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Reads a response body as text until {@code done} holds or 10 s pass; answers what arrived. */
  static String readStream(String path, String token, java.util.function.Predicate<String> done) throws Exception {
    StringBuilder got = new StringBuilder();
    CompletableFuture<String> finished = new CompletableFuture<>();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(broker.actualPort())
        .setURI(path).addHeader("Authorization", "Bearer " + token);
    http.request(o).compose(req -> req.send()).onSuccess(r -> {
      r.handler(b -> {
        synchronized (got) {
          got.append(b.toString());
          if (done.test(got.toString())) {
            finished.complete(got.toString());
            r.request().connection().close();
          }
        }
      });
      r.endHandler(v -> finished.complete(got.toString()));
    }).onFailure(finished::completeExceptionally);
    try {
      return finished.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      synchronized (got) {
        return got.toString();
      }
    }
  }

  @Test
  void eventsWhenIdleThenSnapshotThenHeartbeatComments() throws Exception {
    long start = System.nanoTime();
    String seen = readStream("/broker/v1/sessions/events", token("zoe"), t -> t.split(": heartbeat", -1).length > 2);
    assertThat(seen).startsWith(": session events of your sessions").contains("event: snapshot")
        .contains("data: {\"sessions\":[]}");
    assertThat(seen.split(": heartbeat", -1)).as("two heartbeats (every 200 ms here)").hasSizeGreaterThan(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
  }

  @Test
  void eventsWhenPublishedThenStreamedToTheOwnerNotToOthers() throws Exception {
    CompletableFuture<String> zoe = CompletableFuture.supplyAsync(() -> {
      try {
        return readStream("/broker/v1/sessions/events", token("yan"), t -> t.contains("event: session"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(500);
    events.publish(Fixtures.session("sotheruser0000000000a", "xia", null, new Resources(1, 1, 0),
        SessionState.RUNNING));
    events.publish(Fixtures.session("syanssession00000000a", "yan", null, new Resources(1, 1, 0),
        SessionState.RUNNING));
    String got = zoe.get(15, TimeUnit.SECONDS);
    assertThat(got).contains("event: session").contains("syanssession00000000a").doesNotContain("sotheruser");
  }

  @Test
  void eventsWhenTheTokenExpiresThenTheStreamEnds() throws Exception {
    String t = token("zed");
    // the broker's clock one second before the token's exp
    Instant exp = com.nimbusds.jwt.SignedJWT.parse(t).getJWTClaimsSet().getExpirationTime().toInstant();
    Duration shift = Duration.between(clock.instant(), exp.minusSeconds(1));
    clock.advance(shift);
    try {
      long start = System.nanoTime();
      String got = readStream("/broker/v1/sessions/events", t, x -> false);
      assertThat(got).contains("event: expired");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    } finally {
      clock.advance(shift.negated());
    }
  }
}
