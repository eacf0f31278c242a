package eu.panosc.accounting;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a real platform (embedded PostgreSQL) serving only accounting, trusting a test issuer. The issuer's tokens
 * carry the real time, so the platform's clock is the real one; instead the late horizon is set so that records
 * ending before {@link #LATE_BEFORE} are late and later ones not, whenever the test runs.
 */
public final class AccountingPlatform {
  /** Records ending before this are late. */
  public static final Instant LATE_BEFORE = Instant.parse("2026-11-25T00:00:00Z");

  private AccountingPlatform() {}

  public static Platform start(Path dataDir, LocalIssuer issuer) throws Exception {
    return start(dataDir, issuer, Map.of());
  }

  /** With further configuration overrides (dotted keys). */
  public static Platform start(Path dataDir, LocalIssuer issuer, Map<String, String> extra) throws Exception {
    Map<String, String> overrides = new HashMap<>(issuer.configOverrides());
    overrides.putAll(extra);
    overrides.put("services.accounting.lateAfter", Duration.between(LATE_BEFORE, Instant.now()).toMinutes() + "m");
    return PlatformLauncher.start(dataDir, List.of(new AccountingApplication()), false, overrides,
        Clock.systemUTC());
  }

  /** Blocking calls against one platform with one token. */
  public record Client(String base, String token) {
    public static Client of(Platform platform, LocalIssuer issuer, String... scopes) {
      String base = platform.baseUrl().toString().replaceAll("/+$", "") + "/accounting";
      return new Client(base, issuer.token(base, "test-client", scopes));
    }

    public HttpResponse<String> post(String contentType, String body) {
      return Http.send(HttpRequest.newBuilder(URI.create(base + "/v1/records"))
          .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> report(String query, String accept) {
      HttpRequest.Builder b = Http.authorized(base + "/v1/reports?" + query, token);
      if (accept != null) {
        b.header("Accept", accept);
      }
      return Http.send(b.GET().build());
    }
  }
}
