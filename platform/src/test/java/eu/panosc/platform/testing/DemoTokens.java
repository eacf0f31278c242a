package eu.panosc.platform.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-credentials tokens from a running aai-broker ({@code <base>/aai/token}) for the demo federation's
 * service clients, whose published secret is {@code <clientId>-demo-secret} (docs/demo.md); cached per client
 * and scope for one platform, for at most a minute (long runs outlive a token).
 */
public final class DemoTokens {
  private final String base;
  private static final long MAX_AGE_NANOS = 60_000_000_000L;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(String token, long obtainedAt) {}

  public DemoTokens(URI platformBase) {
    this.base = platformBase.toString().replaceAll("/+$", "");
  }

  /** {@code Authorization: Basic} of a demo client. */
  public static String basic(String clientId) {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientId + "-demo-secret")
        .getBytes(StandardCharsets.UTF_8));
  }

  /** An access token of {@code clientId} for {@code scope} (space-separated scopes); fails unless 200. */
  public String token(String clientId, String scope) {
    return cache.compute(clientId + " " + scope, (k, cached) -> cached != null
        && System.nanoTime() - cached.obtainedAt() < MAX_AGE_NANOS ? cached
        : new Cached(obtain(clientId, scope), System.nanoTime())).token();
  }

  private String obtain(String clientId, String scope) {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", basic(clientId)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
            + URLEncoder.encode(scope, StandardCharsets.UTF_8))).build());
    if (r.statusCode() != 200) {
      throw new AssertionError("no token for " + clientId + " (" + scope + "): " + r.statusCode() + " " + r.body());
    }
    return new io.vertx.core.json.JsonObject(r.body()).getString("access_token");
  }

  /** The same token, uncached (e.g. to prove the token endpoint still works after a fuzz run). */
  public String fresh(String clientId, String scope) {
    cache.remove(clientId + " " + scope);
    return token(clientId, scope);
  }
}
