package eu.panosc.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code panosc login} and {@code panosc token} share to talk to a running control plane: form posts and
 * requests whose transport failures become one-line {@link Failure}s that say which URL was tried and what to
 * start there.
 */
final class ControlPlaneHttp {
  /** A one-line failure of a command, printed as {@code panosc: <message>}. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** A refusal that ends a command with {@code exit} and a one-line message. */
  static final class Refused extends Exception {
    final int exit;

    Refused(int exit, String message) {
      super(message, null, false, false);
      this.exit = exit;
    }
  }

  /** The exit code of a command whose credentials were missing or refused. */
  static final int EXIT_UNAUTHORIZED = 3;

  private final HttpClient http;
  private final String url;
  private final String startHint;

  /**
   * @param url the control plane's URL as the person gave it (shown in failures)
   * @param startHint what should be running there, e.g. {@code panosc up --demo}
   */
  ControlPlaneHttp(HttpClient http, String url, String startHint) {
    this.http = Objects.requireNonNull(http, "http");
    this.url = Objects.requireNonNull(url, "url");
    this.startHint = Objects.requireNonNull(startHint, "startHint");
  }

  /** The aai-broker's base URL under {@code url}. */
  String aai() {
    return url.replaceAll("/+$", "") + "/aai";
  }

  /** POSTs {@code fields} form-encoded to {@code target}, waiting at most 30 seconds for the answer. */
  HttpResponse<String> post(String target, Map<String, String> fields) throws Failure {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build();
    } catch (IllegalArgumentException e) {
      throw new Failure("not a usable URL: " + url);
    }
    return send(request);
  }

  /** Sends {@code request}; an unreachable control plane is a {@link Failure} naming the URL and what to start. */
  HttpResponse<String> send(HttpRequest request) throws Failure {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure("cannot reach the control plane at " + url + " (is `" + startHint + "` running?): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /**
   * Sends {@code request} and hands back the body as a stream (for long downloads); an unreachable control plane is
   * a {@link Failure} as in {@link #send}.
   */
  HttpResponse<java.io.InputStream> stream(HttpRequest request) throws Failure {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new Failure("cannot reach the control plane at " + url + " (is `" + startHint + "` running?): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /**
   * The bearer token of a command that needs {@code scope}: {@code token} (else {@code PANOSC_TOKEN}) as given, or,
   * with {@code client}, one the aai-broker's token endpoint issues to that client by the client-credentials grant
   * (its secret from {@code clientSecret}, else {@code PANOSC_CLIENT_SECRET}; never shown). Missing or refused
   * credentials are a {@link Refused} with {@link #EXIT_UNAUTHORIZED}.
   */
  String bearer(String token, String client, String clientSecret, java.util.function.Function<String, String> env,
      String scope) throws Failure, Refused {
    String given = token != null ? token : env.apply("PANOSC_TOKEN");
    if (client == null) {
      if (given == null || given.isBlank()) {
        throw new Refused(EXIT_UNAUTHORIZED, "no token: give --token (or PANOSC_TOKEN) or --client with "
            + "--client-secret (or PANOSC_CLIENT_SECRET); this needs scope " + scope);
      }
      return given.trim();
    }
    String secret = clientSecret != null ? clientSecret : env.apply("PANOSC_CLIENT_SECRET");
    if (secret == null) {
      throw new Refused(EXIT_UNAUTHORIZED, "--client needs --client-secret (or PANOSC_CLIENT_SECRET)");
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(aai() + "/token")).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((enc(client) + ":"
              + enc(secret)).getBytes(StandardCharsets.UTF_8)))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "client_credentials",
              "scope", scope)))).build();
    } catch (IllegalArgumentException e) {
      throw new Failure("not a usable URL: " + url);
    }
    HttpResponse<String> r = send(request);
    io.vertx.core.json.JsonObject body;
    try {
      body = new io.vertx.core.json.JsonObject(r.body());
    } catch (RuntimeException e) {
      throw new Failure("the token endpoint answered " + r.statusCode() + " without JSON");
    }
    if (r.statusCode() != 200 || !(body.getValue("access_token") instanceof String t)) {
      throw new Refused(EXIT_UNAUTHORIZED, "the token endpoint refused client " + client + ": "
          + body.getString("error", "HTTP " + r.statusCode())
          + (body.getValue("error_description") instanceof String d ? ": " + d : ""));
    }
    return t;
  }

  /** The control plane's URL as given, without trailing slashes. */
  String base() {
    return url.replaceAll("/+$", "");
  }

  /** {@code application/x-www-form-urlencoded}, in the map's order. */
  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
