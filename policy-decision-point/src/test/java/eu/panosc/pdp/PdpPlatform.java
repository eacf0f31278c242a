package eu.panosc.pdp;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts a real platform (embedded PostgreSQL) serving only the PDP, trusting a test issuer. */
public final class PdpPlatform {
  private PdpPlatform() {}

  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo, Map<String, String> extra)
      throws Exception {
    return start(dataDir, issuer, demo, extra, Clock.systemUTC());
  }

  /** The same with the platform's clock (decisions, token checks, the decision log's time and retention). */
  public static Platform start(Path dataDir, LocalIssuer issuer, boolean demo, Map<String, String> extra,
      Clock clock) throws Exception {
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.putAll(extra);
    return PlatformLauncher.start(dataDir, List.of(new PdpApplication()), demo, overrides, clock);
  }

  /** Blocking calls against one platform with one token. */
  public record Client(String base, String token) {
    public static Client of(Platform platform, LocalIssuer issuer, String... scopes) {
      String base = platform.baseUrl() + "/pdp";
      return new Client(base, issuer.token(base, "test-client", scopes));
    }

    public HttpResponse<String> post(String path, String json) {
      return Http.sendJson("POST", base + path, token, json);
    }

    /** A JSON POST with one extra header (e.g. {@code X-Consistency-Token}). */
    public HttpResponse<String> post(String path, String json, String header, String value) {
      return Http.send(Http.authorized(base + path, token).header("Content-Type", "application/json")
          .header(header, value).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> send(String method, String path, String json) {
      return Http.sendJson(method, base + path, token, json);
    }

    public HttpResponse<String> get(String path) {
      return Http.getAuthorized(base + path, token);
    }

    public HttpResponse<String> ndjson(String body) {
      return Http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ingest"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> yaml(String path, String body) {
      return Http.send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
          .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }
  }
}
