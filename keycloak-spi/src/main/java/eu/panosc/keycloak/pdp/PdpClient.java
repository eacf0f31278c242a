package eu.panosc.keycloak.pdp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Asks the federation's PDP over AuthZEN 1.0 ({@code /access/v1/evaluation}, {@code /access/v1/search/resource})
 * about a user known by the pairwise {@code sub} the aai-broker issued to this Keycloak's facility (subject
 * {@code {type: user, id: <sub>, properties: {facility}}}). Authenticates with a {@code client_credentials} token
 * (scope {@code pdp:evaluate}) from the aai-broker, kept until 30 s before it expires and fetched again once after a
 * 401. Every call has a deadline: all of its HTTP requests together stay within it. Any failure (transport, timeout,
 * refusal, a malformed answer) is a {@link PdpUnavailable}; nothing is guessed.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN Authorization API 1.0</a>
 */
public final class PdpClient {
  /** The most datasets one search collects; more is reported as unavailable rather than silently cut. */
  public static final int MAX_DATASETS = 5000;
  private static final int PAGE = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PdpSettings settings;
  private final HttpClient http;
  private final Clock clock;
  private volatile String token;
  private volatile Instant tokenUntil = Instant.MIN;

  public PdpClient(PdpSettings settings, HttpClient http, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The settings this client was made with. */
  public PdpSettings settings() {
    return settings;
  }

  /** The PDP could not answer within the budget, or answered something unusable; the message has no secrets. */
  public static final class PdpUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public PdpUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** Whether the user may take {@code action} on dataset {@code pid} (AuthZEN evaluation). */
  public boolean evaluate(String sub, String action, String pid, Instant deadline) throws PdpUnavailable {
    ObjectNode body = JSON.createObjectNode();
    body.set("subject", subject(sub));
    body.putObject("action").put("name", action);
    body.putObject("resource").put("type", "dataset").put("id", pid);
    JsonNode answer = post("/access/v1/evaluation", body, deadline);
    JsonNode decision = answer.get("decision");
    if (decision == null || !decision.isBoolean()) {
      throw new PdpUnavailable("the PDP's evaluation answer has no boolean decision");
    }
    return decision.booleanValue();
  }

  /** The datasets the user may take {@code action} on (AuthZEN resource search, every page), in the PDP's order. */
  public List<String> searchDatasets(String sub, String action, Instant deadline) throws PdpUnavailable {
    List<String> out = new ArrayList<>();
    String next = null;
    do {
      ObjectNode body = JSON.createObjectNode();
      body.set("subject", subject(sub));
      body.putObject("action").put("name", action);
      body.putObject("resource").put("type", "dataset");
      ObjectNode page = body.putObject("page").put("limit", PAGE);
      if (next != null) {
        page.put("token", next);
      }
      JsonNode answer = post("/access/v1/search/resource", body, deadline);
      JsonNode results = answer.get("results");
      JsonNode nextToken = answer.path("page").get("next_token");
      if (results == null || !results.isArray() || nextToken == null || !nextToken.isTextual()) {
        throw new PdpUnavailable("the PDP's search answer lacks results or page.next_token");
      }
      for (JsonNode r : results) {
        JsonNode id = r.get("id");
        if (id == null || !id.isTextual() || !"dataset".equals(r.path("type").asText())) {
          throw new PdpUnavailable("the PDP's search answer holds a result that is no dataset id");
        }
        out.add(id.textValue());
      }
      if (out.size() > MAX_DATASETS) {
        throw new PdpUnavailable("the user may read more than " + MAX_DATASETS + " datasets");
      }
      next = nextToken.textValue();
    } while (!next.isEmpty());
    return out;
  }

  private ObjectNode subject(String sub) {
    ObjectNode s = JSON.createObjectNode().put("type", "user").put("id", sub);
    s.putObject("properties").put("facility", settings.facility());
    return s;
  }

  private JsonNode post(String path, ObjectNode body, Instant deadline) throws PdpUnavailable {
    String bearer = token(deadline, false);
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(settings.pdpUrl() + path))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Authorization", "Bearer " + bearer)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())), deadline);
    if (r.statusCode() == 401) {
      bearer = token(deadline, true);
      r = send(HttpRequest.newBuilder(URI.create(settings.pdpUrl() + path))
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .header("Authorization", "Bearer " + bearer)
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())), deadline);
    }
    if (r.statusCode() != 200) {
      throw new PdpUnavailable("the PDP answered " + r.statusCode() + " at " + path);
    }
    return read(r.body(), "the PDP's answer at " + path);
  }

  private String token(Instant deadline, boolean renew) throws PdpUnavailable {
    String current = token;
    if (!renew && current != null && clock.instant().isBefore(tokenUntil)) {
      return current;
    }
    synchronized (this) {
      if (!renew && token != null && clock.instant().isBefore(tokenUntil)) {
        return token;
      }
      String basic = Base64.getEncoder().encodeToString((enc(settings.clientId()) + ":" + enc(settings.clientSecret()))
          .getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> r = send(HttpRequest.newBuilder(settings.tokenEndpoint())
          .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=pdp%3Aevaluate")), deadline);
      if (r.statusCode() != 200) {
        throw new PdpUnavailable("the token endpoint refused the PDP client's credentials (" + r.statusCode() + ")");
      }
      JsonNode answer = read(r.body(), "the token endpoint's answer");
      JsonNode access = answer.get("access_token");
      if (access == null || !access.isTextual()) {
        throw new PdpUnavailable("the token endpoint's answer has no access_token");
      }
      long expiresIn = answer.path("expires_in").asLong(60);
      token = access.textValue();
      tokenUntil = clock.instant().plusSeconds(Math.max(0, expiresIn - 30));
      return token;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Instant deadline) throws PdpUnavailable {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new PdpUnavailable("the time budget was used up before the PDP answered");
    }
    try {
      return http.send(request.timeout(left).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new PdpUnavailable("the PDP did not answer within the time budget");
    } catch (IOException e) {
      throw new PdpUnavailable("the PDP could not be reached: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PdpUnavailable("interrupted while asking the PDP");
    }
  }

  private static JsonNode read(String body, String what) throws PdpUnavailable {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new PdpUnavailable(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new PdpUnavailable(what + " is not JSON");
    }
  }

  private static String enc(String s) {
    // RFC 6749 §2.3.1: client id and secret are form-encoded before Basic
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
