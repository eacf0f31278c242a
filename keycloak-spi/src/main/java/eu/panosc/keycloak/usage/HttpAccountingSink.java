package eu.panosc.keycloak.usage;

import eu.panosc.keycloak.oauth.ClientCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Sends batches to metrics-accounting's {@code POST <accounting>/v1/records} as NDJSON with a client credentials
 * token (scope {@code accounting:ingest}). 200 acknowledges; 400 means the batch is invalid (kept aside); anything
 * else is retried.
 */
public final class HttpAccountingSink implements AccountingSink {
  private final HttpClient http;
  private final URI records;
  private final ClientCredentials credentials;

  public HttpAccountingSink(HttpClient http, URI accountingBase, ClientCredentials credentials) {
    this.http = Objects.requireNonNull(http);
    String base = accountingBase.toString();
    this.records = URI.create((base.endsWith("/") ? base : base + "/") + "v1/records");
    this.credentials = Objects.requireNonNull(credentials);
  }

  @Override
  public Result send(List<String> lines) {
    String token;
    try {
      token = credentials.token();
    } catch (ClientCredentials.TokenException e) {
      return new Result(Outcome.RETRY, e.getMessage());
    }
    StringBuilder body = new StringBuilder();
    for (String line : lines) {
      body.append(line).append('\n');
    }
    HttpRequest request = HttpRequest.newBuilder(records).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Result(Outcome.RETRY, "accounting unreachable at " + records + ": " + ClientCredentials.reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Outcome.RETRY, "interrupted");
    }
    int status = response.statusCode();
    if (status == 200) {
      return new Result(Outcome.ACCEPTED, response.body());
    }
    if (status == 401) {
      credentials.invalidate();
    }
    String detail = "accounting answered HTTP " + status + " at " + records + ": " + abbreviate(response.body());
    return new Result(status == 400 ? Outcome.REJECTED : Outcome.RETRY, detail);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replaceAll("[\\r\\n]+", " ");
    return oneLine.length() > 500 ? oneLine.substring(0, 500) + "…" : oneLine;
  }
}
