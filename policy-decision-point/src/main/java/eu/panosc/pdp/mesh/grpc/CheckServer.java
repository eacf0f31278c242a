package eu.panosc.pdp.mesh.grpc;

import eu.panosc.pdp.mesh.ExtAuthzOutcome;
import eu.panosc.pdp.mesh.ExtAuthzService;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcProtocol;
import io.grpc.BindableService;
import io.vertx.grpcio.server.GrpcIoServer;
import io.vertx.grpcio.server.GrpcIoServiceBridge;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's gRPC external authorization, {@code envoy.service.auth.v3.Authorization/Check} (issue 15), served by
 * Vert.x's gRPC server (HTTP/2, same Netty and event loops as the PDP) on its own port: each {@code CheckRequest} is
 * translated ({@link CheckTranslation}) and decided by the same {@link ExtAuthzService} as the HTTP forward-auth.
 *
 * <p>Statuses: every request that reaches {@code Check} gets gRPC status OK with a {@code CheckResponse} (OK,
 * PERMISSION_DENIED or UNAUTHENTICATED inside, with the HTTP answer for Envoy), including a request that is not a
 * {@code CheckRequest} or is larger than {@code maxRequestBytes} (DENIED with a reason). The only other statuses:
 * DEADLINE_EXCEEDED when the caller's deadline ({@code grpc-timeout}, Envoy's {@code timeout}) passes first,
 * UNIMPLEMENTED for another method, and the transport's own errors.
 */
public final class CheckServer {
  private static final Logger LOG = LoggerFactory.getLogger(CheckServer.class);
  static final ServiceMethod<Buffer, CheckResponse> CHECK = ServiceMethod.server(
      ServiceName.create("envoy.service.auth.v3", "Authorization"), "Check", GrpcMessageEncoder.encoder(),
      GrpcMessageDecoder.IDENTITY);
  static final String TOO_LARGE = "The request is too large to be checked.";
  static final String UNREADABLE = "The request could not be read (not an Envoy CheckRequest).";
  /**
   * Checks one HTTP/2 connection may carry at a time (advertised in SETTINGS; a gateway queues beyond it): bounds what
   * a client, or a burst faster than the server, can hold in memory.
   */
  public static final long MAX_CONCURRENT_STREAMS = 1000;
  private static final String FAILED = "The access decision could not be made at the moment; try again shortly.";

  private final Vertx vertx;
  private final String deployment;
  private final int port;

  private CheckServer(Vertx vertx, String deployment, int port) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.port = port;
  }

  /**
   * Listens on {@code settings}' host and port with {@code eventLoops} server instances sharing the port (one when
   * the port is 0, which takes a free port).
   */
  public static Future<CheckServer> start(Vertx vertx, GrpcCheckSettings settings, ExtAuthzService service,
      int eventLoops) {
    return start(vertx, settings, service, eventLoops, List.of());
  }

  /** The same, also serving {@code others} (grpc-java services, e.g. the xDS control plane's ADS) on the port. */
  public static Future<CheckServer> start(Vertx vertx, GrpcCheckSettings settings, ExtAuthzService service,
      int eventLoops, List<BindableService> others) {
    Objects.requireNonNull(service, "service");
    AtomicInteger actual = new AtomicInteger();
    int instances = settings.port() == 0 ? 1 : Math.max(1, eventLoops);
    return vertx.deployVerticle(() -> new Instance(settings, service, others, actual),
            new DeploymentOptions().setInstances(instances))
        .map(id -> {
          LOG.info("Envoy ext_authz gRPC Check listening on {}:{} ({}, {} event loop(s))", settings.host(),
              actual.get(), settings.tlsCert().isPresent() ? "TLS" : "plaintext", instances);
          return new CheckServer(vertx, id, actual.get());
        });
  }

  /** The port listened on. */
  public int port() {
    return port;
  }

  /** Stops listening (calls in progress end with the connection). */
  public Future<Void> close() {
    return vertx.undeploy(deployment);
  }

  /** One server instance on one event loop; the instances share the port. */
  private static final class Instance extends AbstractVerticle {
    private final GrpcCheckSettings settings;
    private final ExtAuthzService service;
    private final List<BindableService> others;
    private final AtomicInteger actual;

    Instance(GrpcCheckSettings settings, ExtAuthzService service, List<BindableService> others,
        AtomicInteger actual) {
      this.settings = settings;
      this.service = service;
      this.others = List.copyOf(others);
      this.actual = actual;
    }

    @Override
    public void start(Promise<Void> started) {
      GrpcServerOptions grpcOptions = new GrpcServerOptions().setScheduleDeadlineAutomatically(true)
          .setMaxMessageSize(settings.maxRequestBytes());
      for (GrpcProtocol p : List.copyOf(grpcOptions.getEnabledProtocols())) {
        if (p != GrpcProtocol.HTTP_2) {
          grpcOptions.removeEnabledProtocol(p);  // Envoy speaks gRPC over HTTP/2 only; no gRPC-Web, no transcoding
        }
      }
      GrpcIoServer grpc = GrpcIoServer.server(vertx, grpcOptions);
      grpc.callHandler(CHECK, call -> new Call(call, service).start());
      for (BindableService other : others) {
        GrpcIoServiceBridge.bridge(other).bind(grpc);
      }
      // HTTP/2 windows of 1 MiB per stream and 16 MiB per connection (65 535 bytes by default): a gateway multiplexes
      // many checks, each a few KiB, over one connection; at most MAX_CONCURRENT_STREAMS of them at a time (a fresh
      // Http2Settings would advertise no limit, and an open-loop client faster than the server then filled the heap)
      HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
          .setInitialSettings(new io.vertx.core.http.Http2Settings().setInitialWindowSize(1 << 20)
              .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS))
          .setHttp2ConnectionWindowSize(16 << 20);
      if (settings.tlsCert().isPresent()) {
        options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(settings.tlsCert().get().toString()).setKeyPath(settings.tlsKey().orElseThrow().toString()));
      }
      HttpServer server = vertx.createHttpServer(options).requestHandler(grpc);
      server.listen().onSuccess(s -> actual.compareAndSet(0, s.actualPort())).<Void>mapEmpty().onComplete(started);
    }
  }

  /** One unary {@code Check}: answered exactly once. */
  private static final class Call {
    private final GrpcServerRequest<Buffer, CheckResponse> call;
    private final ExtAuthzService service;
    private final AtomicBoolean answered = new AtomicBoolean();

    Call(GrpcServerRequest<Buffer, CheckResponse> call, ExtAuthzService service) {
      this.call = call;
      this.service = service;
    }

    void start() {
      call.invalidMessageHandler(e -> answer(new ExtAuthzOutcome.Deny(
          e instanceof MessageSizeOverflowException ? TOO_LARGE : UNREADABLE, null), List.of()));
      call.last().onComplete(ar -> {
        if (answered.get()) {
          return;
        }
        CheckRequest check = ar.succeeded() && ar.result() != null ? CheckTranslation.parse(ar.result().getBytes())
            : null;
        if (check == null) {
          answer(new ExtAuthzOutcome.Deny(UNREADABLE, null), List.of());
          return;
        }
        List<String> spoofed = CheckTranslation.panoscHeaders(check);
        service.check(CheckTranslation.request(check)).onComplete(d -> answer(d.succeeded() ? d.result()
            : new ExtAuthzOutcome.Deny(FAILED, null), spoofed));
      });
    }

    private void answer(ExtAuthzOutcome outcome, List<String> spoofed) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      try {
        call.response().send(CheckTranslation.response(outcome, spoofed)).onFailure(e ->
            // the caller went away or its deadline passed (then it got DEADLINE_EXCEEDED already)
            LOG.debug("Check answer not sent: {}", e.toString()));
      } catch (IllegalStateException closed) {
        // the stream was closed before the decision was ready (a reset, or the deadline): nobody is left to answer
        LOG.debug("Check answer not sent: {}", closed.toString());
      }
    }
  }
}
