package eu.panosc.pdp.mesh.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.mesh.ExtAuthzService;
import eu.panosc.pdp.mesh.ExtAuthzServiceTest;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.RouteSource;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gRPC {@code Check} server against a real grpc-java client (the api jar's generated stubs, HTTP/2 over
 * loopback), deciding through the same {@link ExtAuthzService} as the HTTP forward-auth over the engine's fixture
 * world ({@link ExtAuthzServiceTest}'s fake token verifier: "user:&lt;id&gt;" is a valid token of that user).
 * Requests are shaped like Envoy's (attributes.request.http with lower-case headers, the service as context extension).
 */
class CheckServerTest {
  static Vertx vertx;
  static CheckServer server;
  static CheckServer stalled;
  static ManagedChannel channel;
  static ManagedChannel stalledChannel;
  static final GrpcCheckSettings SETTINGS = new GrpcCheckSettings(true, "127.0.0.1", 0, Optional.empty(),
      Optional.empty(), 64 * 1024);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = CheckServer.start(vertx, SETTINGS, ExtAuthzServiceTest.service(RouteSource.of(List.of(
        ExtAuthzServiceTest.SCICAT))), 2).await(30, TimeUnit.SECONDS);
    // a token verification that never answers: the caller's deadline must end the call
    BiFunction<String, String, Future<AccessTokenPrincipal>> never = (t, a) -> Promise.<AccessTokenPrincipal>promise()
        .future();
    stalled = CheckServer.start(vertx, SETTINGS, ExtAuthzServiceTest.service(RouteSource.of(List.of(
        ExtAuthzServiceTest.SCICAT)), never), 1).await(30, TimeUnit.SECONDS);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
    stalledChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", stalled.port(),
        InsecureChannelCredentials.create()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel c : new ManagedChannel[] {channel, stalledChannel}) {
      if (c != null) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static AuthorizationGrpc.AuthorizationBlockingStub stub() {
    return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** A request as Envoy sends it (see Envoy's ext_authz docs: {@code attributes.request.http}). */
  static CheckRequest envoy(String method, String path, String host, String service, Map<String, String> headers) {
    AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder().setId("5d2a0f7c-1")
        .setMethod(method).setPath(path).setHost(host).setScheme("https").setProtocol("HTTP/2")
        .putHeaders(":authority", host).putHeaders(":method", method).putHeaders(":path", path)
        .putHeaders("user-agent", "curl/8.5.0").putHeaders("x-request-id", "5d2a0f7c-1");
    headers.forEach(http::putHeaders);
    AttributeContext.Builder attributes = AttributeContext.newBuilder()
        .setRequest(AttributeContext.Request.newBuilder().setHttp(http));
    if (service != null) {
      attributes.putContextExtensions("service", service);
    }
    return CheckRequest.newBuilder().setAttributes(attributes).build();
  }

  static Map<String, String> headersOf(List<HeaderValueOption> options) {
    return options.stream().collect(Collectors.toMap(o -> o.getHeader().getKey(), o -> o.getHeader().getValue()));
  }

  /** method, path, service extension, host, Authorization, gRPC code in the response, HTTP status, what it holds. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "GET  | /api/v3/datasets/esrf/embargoed?x=1 | https://scicat.esrf.example | other.example   | Bearer user:pi@esrf | 0  | 200 | pi@esrf",
      "GET  | /api/v3/datasets/esrf/embargoed     | null                        | scicat.esrf.example | Bearer user:pi@esrf | 0 | 200 | pi@esrf",
      "GET  | /api/v3/datasets/esrf/embargoed     | https://scicat.esrf.example | x.example       | Bearer user:pi@ill  | 7  | 403 | until",
      "GET  | /api/v3/datasets/esrf/embargoed     | https://scicat.esrf.example | x.example       | null                | 16 | 401 | Bearer realm=\"panosc\"",
      "GET  | /api/v3/datasets/esrf/embargoed     | https://scicat.esrf.example | x.example       | Bearer user:pi@esrf:other | 16 | 401 | wrong audience",
      "GET  | /api/v3/datasets/esrf/embargoed     | https://scicat.esrf.example | x.example       | Basic YTpi          | 16 | 401 | invalid_request",
      "GET  | /api/v3/instruments                 | https://scicat.esrf.example | x.example       | Bearer user:pi@esrf | 7  | 403 | No access rule covers GET",
      "DELETE | /api/v3/datasets/esrf/embargoed   | https://scicat.esrf.example | x.example       | Bearer user:pi@esrf | 7  | 403 | No access rule covers DELETE",
      "GET  | /api/v3/health                      | https://scicat.esrf.example | x.example       | null                | 0  | 200 | null",
      "GET  | /api/v3/datasets/esrf/embargoed     | https://unknown.example     | x.example       | Bearer user:pi@esrf | 7  | 403 | not registered",
      "GET  | /api/v3/datasets/esrf/embargoed     | null                        | unknown.example | Bearer user:pi@esrf | 7  | 403 | not registered",
      "GET  | /api/v3/datasets/esrf/../embargoed  | https://scicat.esrf.example | x.example       | Bearer user:pi@esrf | 7  | 403 | No access rule",
      "GET  | ''                                  | https://scicat.esrf.example | x.example       | Bearer user:pi@esrf | 7  | 403 | could not be read",
      "''   | /api/v3/health                      | https://scicat.esrf.example | x.example       | null                | 7  | 403 | could not be read",
      "GET  | /api/v3/he\u0007alth                | https://scicat.esrf.example | x.example       | null                | 7  | 403 | could not be read",
  })
  void checkWhenEnvoyAsksThenSameAnswersAsTheHttpForwardAuth(String method, String path, String service,
      String host, String authorization, int code, int http, String holds) {
    CheckResponse r = stub().check(envoy(method, path, host, service, authorization == null ? Map.of()
        : Map.of("authorization", authorization)));
    assertThat(r.getStatus().getCode()).as(r.toString()).isEqualTo(code);
    if (code == 0) {
      assertThat(r.hasOkResponse()).isTrue();
      Map<String, String> set = headersOf(r.getOkResponse().getHeadersList());
      if (holds == null) {
        assertThat(set).isEmpty();
        assertThat(r.getOkResponse().getHeadersToRemoveList()).contains("x-panosc-subject", "x-panosc-decision-id");
      } else {
        assertThat(set).containsEntry("x-panosc-subject", holds).containsKey("x-panosc-decision-id");
        assertThat(r.getOkResponse().getHeadersList()).allSatisfy(o -> assertThat(o.getAppendAction())
            .isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
        assertThat(r.getOkResponse().getHeadersToRemoveList()).doesNotContain("x-panosc-subject");
      }
    } else {
      assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(http);
      Map<String, String> headers = headersOf(r.getDeniedResponse().getHeadersList());
      assertThat(headers).containsEntry("content-type", "text/plain; charset=utf-8");
      if (http == 401) {
        assertThat(headers.get("www-authenticate")).startsWith("Bearer realm=\"panosc\"").contains(holds);
      } else {
        assertThat(r.getDeniedResponse().getBody()).contains(holds);
        assertThat(headers.get("x-panosc-reason")).contains(holds);
        assertThat(r.getStatus().getMessage()).contains(holds);
      }
    }
  }

  @Test
  void spoofedPanoscHeadersWhenAllowedThenRemovedOrOverwritten() {
    Map<String, String> spoof = Map.of("x-panosc-subject", "root@esrf", "x-panosc-decision-id", "forged",
        "x-panosc-anything", "1", "authorization", "Bearer user:pi@esrf");
    CheckResponse permitted = stub().check(envoy("GET", "/api/v3/datasets/esrf/embargoed", "scicat.esrf.example",
        null, spoof));
    assertThat(permitted.getStatus().getCode()).isZero();
    assertThat(headersOf(permitted.getOkResponse().getHeadersList())).containsEntry("x-panosc-subject", "pi@esrf");
    assertThat(permitted.getOkResponse().getHeadersToRemoveList()).containsExactly("x-panosc-anything");

    CheckResponse open = stub().check(envoy("GET", "/api/v3/health", "scicat.esrf.example", null, spoof));
    assertThat(open.getStatus().getCode()).isZero();
    assertThat(open.getOkResponse().getHeadersList()).isEmpty();
    assertThat(open.getOkResponse().getHeadersToRemoveList())
        .containsExactlyInAnyOrder("x-panosc-anything", "x-panosc-decision-id", "x-panosc-subject");
  }

  @Test
  void rawHeaderMapWhenEnvoyEncodesRawHeadersThenReadToo() {
    CheckRequest raw = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
        .putContextExtensions("service", ExtAuthzServiceTest.AUD)
        .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
            .setMethod("GET").setPath("/api/v3/datasets/esrf/embargoed")
            .setHeaderMap(io.envoyproxy.envoy.config.core.v3.HeaderMap.newBuilder().addHeaders(
                io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder().setKey("authorization")
                    .setRawValue(com.google.protobuf.ByteString.copyFromUtf8("Bearer user:pi@esrf")))))))
        .build();
    CheckResponse r = stub().check(raw);
    assertThat(r.getStatus().getCode()).isZero();
    assertThat(headersOf(r.getOkResponse().getHeadersList())).containsEntry("x-panosc-subject", "pi@esrf");
  }

  @Test
  void emptyRequestWhenNoAttributesThenDeniedWithReason() {
    CheckResponse r = stub().check(CheckRequest.getDefaultInstance());
    assertThat(r.getStatus().getCode()).isEqualTo(7);
    assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(r.getDeniedResponse().getBody()).contains("could not be read");
  }

  static final MethodDescriptor<byte[], byte[]> RAW_CHECK = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("envoy.service.auth.v3.Authorization/Check")
      .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

  /** Sends {@code bytes} as the Check message; the answer parsed as a CheckResponse. */
  static CheckResponse raw(byte[] bytes) throws IOException {
    byte[] answer = ClientCalls.blockingUnaryCall(channel, RAW_CHECK,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), bytes);
    return CheckResponse.parseFrom(answer);
  }

  @Test
  void notACheckRequestWhenBytesAreGarbageThenDeniedWithReason() throws Exception {
    CheckResponse r = raw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    assertThat(r.getStatus().getCode()).isEqualTo(7);
    assertThat(r.getDeniedResponse().getBody()).contains(CheckServer.UNREADABLE);
  }

  @Test
  void oversizedRequestWhenLargerThanTheLimitThenDeniedWithReason() throws Exception {
    CheckRequest big = envoy("GET", "/api/v3/health", "x", ExtAuthzServiceTest.AUD, Map.of("cookie",
        "a".repeat(SETTINGS.maxRequestBytes() + 10)));
    CheckResponse r = stub().check(big);
    assertThat(r.getStatus().getCode()).isEqualTo(7);
    assertThat(r.getDeniedResponse().getBody()).contains(CheckServer.TOO_LARGE);
    // the connection stays usable
    assertThat(stub().check(envoy("GET", "/api/v3/health", "x", ExtAuthzServiceTest.AUD, Map.of()))
        .getStatus().getCode()).isZero();
  }

  @Test
  void randomBytesAndMutatedRequestsWhenFuzzedThenAlwaysACheckResponseNeverAnErrorStatus() throws Exception {
    Random random = new Random(15);
    AtomicInteger denied = new AtomicInteger();
    for (int i = 0; i < 300; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      CheckResponse r = raw(bytes);
      assertThat(r.getStatus().getCode()).isIn(0, 7, 16);
      if (r.getStatus().getCode() == 7) {
        denied.incrementAndGet();
      }
    }
    String[] pieces = {"/", "..", "%2F", "%", "{", "\u0000", "\n", "é", "api", "v3", "datasets", "health", "esrf",
        "embargoed", "?", "#", " ", ";"};
    for (int i = 0; i < 300; i++) {
      StringBuilder path = new StringBuilder();
      for (int j = random.nextInt(8); j >= 0; j--) {
        path.append(pieces[random.nextInt(pieces.length)]);
      }
      String method = List.of("GET", "get", "", "BREW", "GET\n", "DELETE").get(random.nextInt(6));
      String auth = List.of("", "Bearer ", "Bearer user:pi@esrf", "Bearer a b", "bearer user:x\u0001")
          .get(random.nextInt(5));
      CheckResponse r = stub().check(envoy(method, path.toString(), "scicat.esrf.example", null,
          auth.isEmpty() ? Map.of() : Map.of("authorization", auth)));
      assertThat(r.getStatus().getCode()).as("%s %s", method, path).isIn(0, 7, 16);
      assertThat(r.hasOkResponse() || r.hasDeniedResponse()).isTrue();
    }
    assertThat(denied.get()).as("random bytes are mostly not a readable request").isPositive();
  }

  @Test
  void deadlineWhenTheDecisionTakesLongerThenDeadlineExceededAndTheServerGoesOn() {
    long t0 = System.nanoTime();
    var call = AuthorizationGrpc.newBlockingStub(stalledChannel).withDeadlineAfter(300, TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> call.check(envoy("GET", "/api/v3/datasets/esrf/embargoed", "x",
        ExtAuthzServiceTest.AUD, Map.of("authorization", "Bearer user:pi@esrf"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
            .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    // a public route needs no token: the same server answers at once
    CheckResponse r = AuthorizationGrpc.newBlockingStub(stalledChannel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(envoy("GET", "/api/v3/health", "x", ExtAuthzServiceTest.AUD, Map.of()));
    assertThat(r.getStatus().getCode()).isZero();
  }

  @Test
  void deadlineWhenTheDecisionIsReadyAfterTheStreamClosedThenDroppedQuietly() throws Exception {
    // the token check answers 400 ms after the caller's 100 ms deadline closed the stream: nothing is left to answer,
    // and writing to the closed stream must not escape as an unhandled exception (logged with a stack trace per
    // call: under overload thousands a second)
    java.util.concurrent.CountDownLatch decided = new java.util.concurrent.CountDownLatch(1);
    BiFunction<String, String, Future<AccessTokenPrincipal>> late = (t, a) -> {
      Promise<AccessTokenPrincipal> p = Promise.promise();
      vertx.setTimer(400, id -> {
        p.fail("token refused, too late");
        decided.countDown();
      });
      return p.future();
    };
    List<Throwable> unhandled = java.util.Collections.synchronizedList(new ArrayList<>());
    Vertx own = Vertx.vertx();
    own.exceptionHandler(unhandled::add);
    try {
      CheckServer slow = CheckServer.start(own, SETTINGS, ExtAuthzServiceTest.service(RouteSource.of(List.of(
          ExtAuthzServiceTest.SCICAT)), late), 1).await(30, TimeUnit.SECONDS);
      ManagedChannel slowChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", slow.port(),
          InsecureChannelCredentials.create()).build();
      try {
        assertThatThrownBy(() -> AuthorizationGrpc.newBlockingStub(slowChannel).withDeadlineAfter(100,
            TimeUnit.MILLISECONDS).check(envoy("GET", "/api/v3/datasets/esrf/embargoed", "x", ExtAuthzServiceTest.AUD,
                Map.of("authorization", "Bearer user:pi@esrf"))))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(decided.await(10, TimeUnit.SECONDS)).isTrue();
        // the answer is attempted on the server's event loop right after the decision: let it run
        own.runOnContext(v -> { });
        Thread.sleep(300);
        assertThat(unhandled).isEmpty();
        // and the server goes on: a public route needs no token
        CheckResponse r = AuthorizationGrpc.newBlockingStub(slowChannel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(envoy("GET", "/api/v3/health", "x", ExtAuthzServiceTest.AUD, Map.of()));
        assertThat(r.getStatus().getCode()).isZero();
      } finally {
        slowChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      own.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void settingsWhenAClientConnectsThenConcurrentChecksPerConnectionAreBounded() throws Exception {
    io.vertx.core.http.HttpClientAgent client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      io.vertx.core.http.HttpClientConnection connection = client.connect(new io.vertx.core.http.HttpConnectOptions()
          .setHost("127.0.0.1").setPort(server.port())).await(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (connection.remoteSettings() == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(connection.remoteSettings().getMaxConcurrentStreams()).isEqualTo(CheckServer.MAX_CONCURRENT_STREAMS);
      assertThat(connection.remoteSettings().getInitialWindowSize()).isEqualTo(1 << 20);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void otherMethodWhenCalledThenUnimplemented() {
    MethodDescriptor<byte[], byte[]> other = RAW_CHECK.toBuilder()
        .setFullMethodName("envoy.service.auth.v3.Authorization/Nope").build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, other,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
            .isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void plainHttpWhenNotGrpcThenAClientErrorNotAServerError() throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/envoy.service.auth.v3.Authorization/Check"))
            .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isBetween(400, 499);
  }

  @Test
  void concurrentChecksWhenManyClientsThenEachGetsItsOwnAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean permit = i % 2 == 0;
        results.add(pool.submit(() -> {
          CheckResponse r = stub().check(envoy("GET", "/api/v3/datasets/esrf/embargoed", "scicat.esrf.example",
              null, Map.of("authorization", permit ? "Bearer user:pi@esrf" : "Bearer user:pi@ill")));
          return permit ? r.getStatus().getCode() == 0
              && "pi@esrf".equals(headersOf(r.getOkResponse().getHeadersList()).get("x-panosc-subject"))
              : r.getStatus().getCode() == 7 && r.getDeniedResponse().getStatus().getCodeValue() == 403;
        }));
      }
      for (var f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** byte[] as is. */
  static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
