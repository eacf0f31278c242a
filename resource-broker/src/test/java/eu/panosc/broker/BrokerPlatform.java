package eu.panosc.broker;

import com.sun.net.httpserver.HttpServer;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real platform (embedded PostgreSQL) in demo mode serving the broker (local process driver, demo flavours and
 * images) and the real PDP (demo proposals and datasets), trusting a {@link LocalIssuer}. The aai-broker's
 * client-credentials grant is stood in for by a small token endpoint in the test that checks the broker's demo
 * client secret and mints a {@code pdp:evaluate} token from the same issuer; the PDP verifies it as it would the
 * aai-broker's. The aai-broker's subject resolution is stood in for by a {@code /resolve} that knows no pairwise
 * subject (404), so the broker asks the PDP about the token's {@code sub} itself (here already the canonical id);
 * {@code resolved} counts the calls. As a static {@code @RegisterExtension} field ({@link #forClass}) it starts before a
 * test class's first test in a fresh data directory and closes after its last.
 */
public final class BrokerPlatform implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  public final LocalIssuer issuer = LocalIssuer.start();
  private final HttpServer tokenEndpoint;
  private final AtomicReference<String> pdpBase = new AtomicReference<>();
  public final java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
  public Platform platform;
  /** Audiences of tokens for scopes other than pdp:evaluate (e.g. accounting:ingest → the accounting's URL). */
  public final Map<String, String> audienceByScope = new java.util.concurrent.ConcurrentHashMap<>();
  private Map<String, String> classConfig = Map.of();
  private Path classDataDir;

  /** One platform for a test class, with {@code extra} configuration (see the class comment). */
  public static BrokerPlatform forClass(Map<String, String> extra) {
    BrokerPlatform b = new BrokerPlatform();
    b.classConfig = Map.copyOf(extra);
    return b;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    classDataDir = Files.createTempDirectory("broker-platform");
    start(classDataDir, classConfig);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      try (Stream<Path> all = Files.walk(classDataDir)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException | RuntimeException leftOver) {
        // a leftover temporary directory is no test failure
      }
    }
  }

  public BrokerPlatform() {
    try {
      tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String expected = "Basic " + Base64.getEncoder().encodeToString("resource-broker:resource-broker-demo-secret"
        .getBytes(StandardCharsets.UTF_8));
    tokenEndpoint.createContext("/token", exchange -> {
      byte[] body;
      int status;
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String scope = java.net.URLDecoder.decode(form.replaceAll("(^|.*&)scope=([^&]*).*", "$2"), StandardCharsets.UTF_8);
      if (expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) && audienceByScope.containsKey(scope)) {
        // another resource server the broker calls (e.g. accounting): a token for it
        body = ("{\"access_token\":\"" + issuer.token(audienceByScope.get(scope), "resource-broker", scope)
            + "\",\"token_type\":\"Bearer\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
        status = 200;
      } else if (expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        body = ("{\"access_token\":\"" + issuer.token(pdpBase.get(), "resource-broker", "pdp:evaluate")
            + "\",\"token_type\":\"Bearer\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
        status = 200;
      } else {
        body = "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
        status = 401;
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    tokenEndpoint.createContext("/resolve", exchange -> {
      resolved.incrementAndGet();
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    tokenEndpoint.start();
  }

  public Platform start(Path dataDir, Map<String, String> extra) throws Exception {
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.put("services.broker.pdp.tokenEndpoint", "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort()
        + "/token");
    overrides.put("services.broker.pdp.resolveEndpoint", "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort()
        + "/resolve");
    overrides.put("services.broker.reconcileInterval", "200ms");
    overrides.putAll(extra);
    platform = PlatformLauncher.start(dataDir, List.of(new PdpApplication(), new BrokerApplication()), true, overrides,
        Clock.systemUTC());
    pdpBase.set(platform.baseUrl().toString().replaceAll("/+$", "") + "/pdp");
    return platform;
  }

  public String base() {
    return platform.baseUrl().toString().replaceAll("/+$", "") + "/broker";
  }

  /** A user's token for the broker (its {@code sub} is {@code user}). */
  public String token(String user, String... scopes) {
    return issuer.token(base(), user, scopes);
  }

  public HttpResponse<String> get(String path, String token) {
    return Http.getAuthorized(base() + path, token);
  }

  public HttpResponse<String> post(String path, String token, String json) {
    return Http.sendJson("POST", base() + path, token, json);
  }

  public HttpResponse<String> delete(String path, String token) {
    return Http.sendJson("DELETE", base() + path, token, null);
  }

  public void stopPlatform() throws Exception {
    if (platform != null) {
      platform.stop().get(60, java.util.concurrent.TimeUnit.SECONDS);
      platform = null;
    }
  }

  @Override
  public void close() throws Exception {
    stopPlatform();
    tokenEndpoint.stop(0);
    issuer.close();
  }
}
