package eu.panosc.keycloak.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * An OAuth 2.0 client credentials grant (client secret in HTTP Basic), with the access token cached until shortly
 * before it expires. The secret and the tokens are never put into exception messages.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 */
public final class ClientCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EARLY = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI tokenEndpoint;
  private final String clientId;
  private final String clientSecret;
  private final String scope;
  private final Clock clock;
  private String token;
  private Instant expires = Instant.MIN;

  public ClientCredentials(HttpClient http, URI tokenEndpoint, String clientId, String clientSecret, String scope,
      Clock clock) {
    this.http = Objects.requireNonNull(http);
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint);
    this.clientId = Objects.requireNonNull(clientId);
    this.clientSecret = Objects.requireNonNull(clientSecret);
    this.scope = scope;
    this.clock = Objects.requireNonNull(clock);
  }

  /** A valid access token, fetched when none is cached or the cached one is about to expire. */
  public synchronized String token() throws TokenException {
    if (token != null && clock.instant().isBefore(expires)) {
      return token;
    }
    String form = "grant_type=client_credentials"
        + (scope == null || scope.isBlank() ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    // RFC 6749 §2.3.1: client id and secret form-encoded, then Basic
    String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TokenException("token endpoint " + tokenEndpoint + " unreachable: " + reason(e), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenException("interrupted while fetching a token", false);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    if (response.statusCode() != 200 || body == null || !body.path("access_token").isTextual()) {
      // RFC 6749 §5.2: invalid_client / unauthorized_client / invalid_scope are configuration errors
      String error = body == null ? "" : body.path("error").asText("");
      boolean refused = response.statusCode() == 400 || response.statusCode() == 401;
      throw new TokenException("token endpoint " + tokenEndpoint + " refused client '" + clientId + "': HTTP "
          + response.statusCode() + (error.isEmpty() ? "" : " " + error), refused);
    }
    token = body.get("access_token").asText();
    long lifetime = body.path("expires_in").asLong(60);
    expires = clock.instant().plusSeconds(lifetime).minus(EARLY);
    return token;
  }

  /**
   * Why an HTTP call failed, for a log line: the exception's message, or its type when it has none (the JDK's
   * client throws a {@code ConnectException} without message when nothing listens).
   */
  public static String reason(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** Forgets the cached token (after a 401 from the resource server). */
  public synchronized void invalidate() {
    token = null;
    expires = Instant.MIN;
  }

  /** The token could not be obtained; {@link #refused()} when the endpoint refused the client's credentials. */
  public static final class TokenException extends Exception {
    private final boolean refused;

    public TokenException(String message, boolean refused) {
      super(message);
      this.refused = refused;
    }

    public boolean refused() {
      return refused;
    }
  }
}
