package eu.panosc.accounting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest endpoint tells the store that a batch is on its way before it reads the body (so the roll-up can
 * hold back while batches are received and parsed, not only while they are stored) and ends that once the request
 * is answered, whatever the answer: accepted, refused, unsupported. In-process HTTP server, a stand-in store.
 */
class IngestArrivalTest {
  static final String AUDIENCE = "http://127.0.0.1/accounting";
  static Vertx vertx;
  static LocalIssuer issuer;
  static HttpServer server;
  static String url;
  static final ArrivalStore STORE = new ArrivalStore();
  final HttpClient http = HttpClient.newHttpClient();

  /** Counts arrivals not yet ended; remembers how many were under way while a batch was stored. */
  static final class ArrivalStore implements AccountingStore {
    final AtomicInteger arrivals = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    volatile int openWhileStoring = -1;

    @Override
    public Runnable batchArriving() {
      arrivals.incrementAndGet();
      open.incrementAndGet();
      AtomicInteger runs = new AtomicInteger();
      return () -> {
        if (runs.getAndIncrement() == 0) {
          open.decrementAndGet();
        }
      };
    }

    @Override
    public Future<IngestOutcome> ingest(List<UsageRecord> batch, Instant receivedAt) {
      openWhileStoring = open.get();
      return Future.succeededFuture(new IngestOutcome(batch.size(), batch.size(), 0, 0, 0, 0));
    }

    @Override
    public Future<RollupStatus> awaitRollups() {
      return Future.succeededFuture(new RollupStatus(0, Instant.now()));
    }

    @Override
    public Future<List<ReportRow>> report(ReportQuery query) {
      return Future.succeededFuture(List.of());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    issuer = LocalIssuer.start();
    BearerAuth auth = BearerAuth.create(vertx, new BearerAuthConfig(issuer.issuer(), Set.of(AUDIENCE),
        URI.create(issuer.issuer() + "/jwks")));
    Router router = Router.router(vertx);
    new IngestEndpoint(new IngestService(STORE, Clock.systemUTC(), Duration.ofDays(2), Duration.ofDays(31),
        Duration.ofMinutes(15), 100, 10_000, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))
        .mount(router, auth);
    router.route().failureHandler(new FailureHandler());
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    url = "http://127.0.0.1:" + server.actualPort() + "/v1/records";
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @BeforeEach
  void reset() {
    STORE.arrivals.set(0);
    STORE.openWhileStoring = -1;
  }

  HttpResponse<String> post(String type, String body, String... scopes) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
        .header("Authorization", "Bearer " + issuer.token(AUDIENCE, "test-client", scopes))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String record(String id) {
    return "{\"source\":\"s\",\"recordId\":\"" + id + "\",\"facility\":\"f\",\"installation\":\"i\",\"metric\":"
        + "\"sessions\",\"start\":\"2026-11-05T10:00:00Z\",\"end\":\"2026-11-05T11:00:00Z\",\"value\":1}";
  }

  /** Waits (briefly) until every arrival has ended: the end handler runs once the answer is written. */
  static int openAfterAnswer() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (STORE.open.get() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return STORE.open.get();
  }

  @Test
  void postWhenAcceptedInEitherFormatThenAnnouncedBeforeStoringAndEndedAfterTheAnswer() throws Exception {
    HttpResponse<String> nd = post("application/x-ndjson", record("a") + "\n" + record("b") + "\n",
        "accounting:ingest");
    assertThat(nd.statusCode()).as(nd.body()).isEqualTo(200);
    assertThat(STORE.openWhileStoring).as("the batch was on its way while it was stored").isEqualTo(1);
    assertThat(openAfterAnswer()).isZero();

    HttpResponse<String> array = post("application/json", "[" + record("c") + "]", "accounting:ingest");
    assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
    assertThat(STORE.openWhileStoring).isEqualTo(1);
    assertThat(openAfterAnswer()).isZero();
    assertThat(STORE.arrivals.get()).isEqualTo(2);
  }

  @Test
  void postWhenRefusedOrUnsupportedThenTheArrivalEndsToo() throws Exception {
    HttpResponse<String> bad = post("application/x-ndjson", record("a") + "\n{\"source\":\n", "accounting:ingest");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    HttpResponse<String> unsupported = post("text/plain", record("a"), "accounting:ingest");
    assertThat(unsupported.statusCode()).isEqualTo(415);
    assertThat(STORE.arrivals.get()).as("both reached the endpoint").isEqualTo(2);
    assertThat(STORE.openWhileStoring).as("nothing was stored").isEqualTo(-1);
    assertThat(openAfterAnswer()).isZero();

    HttpResponse<String> noScope = post("application/x-ndjson", record("a") + "\n", "accounting:read");
    assertThat(noScope.statusCode()).isEqualTo(403);
    assertThat(STORE.arrivals.get()).as("a refused token announces nothing").isEqualTo(2);
  }
}
