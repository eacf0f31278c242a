package eu.panosc.keycloak.federation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser for the login ITs: keeps cookies (treating http on loopback as a secure context, as browsers do, so
 * Keycloak's Secure cookies come along), follows no redirect by itself, and walks a sign-in from the facility
 * Keycloak through the aai-broker's demo login and consent back to the client's redirect URI.
 */
final class FederationBrowser {
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  private final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackIsSecure(new CookieManager()))
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

  private static final class LoopbackIsSecure extends CookieHandler {
    private final CookieManager jar;

    LoopbackIsSecure(CookieManager jar) {
      this.jar = jar;
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
      boolean loopback = "http".equals(uri.getScheme())
          && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
      return jar.get(loopback ? URI.create("https" + uri.toString().substring("http".length())) : uri, headers);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> headers) throws IOException {
      jar.put(uri, headers);
    }
  }

  HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  HttpResponse<String> post(String url, Map<String, String> fields) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build());
  }

  /**
   * Starts at {@code start} and follows redirects and the aai-broker's pages (demo login as {@code user}, consent,
   * first-login registration) until a redirect to {@code redirectPrefix}, whose Location it answers; fails with the
   * page it got stuck on otherwise.
   */
  String signIn(String start, String aaiBase, String user, String redirectPrefix) {
    HttpResponse<String> r = get(start);
    for (int step = 0; step < 30; step++) {
      if (r.statusCode() == 302 || r.statusCode() == 303) {
        String location = r.headers().firstValue("Location").orElseThrow();
        URI next = r.uri().resolve(location);
        if (next.toString().startsWith(redirectPrefix)) {
          return next.toString();
        }
        r = get(next.toString());
      } else if (r.statusCode() == 200 && r.body().contains("name=\"password\"") && r.uri().getPath().startsWith("/aai")) {
        r = post(aaiBase + "/aai/login", with(r, Map.of("username", user, "password", user + "-demo-pw")));
      } else if (r.statusCode() == 200 && r.body().contains("action=\"../register\"")) {
        r = post(aaiBase + "/aai/register", with(r, Map.of("name", user, "email", user + "@example.org",
            "terms", "accept")));
      } else if (r.statusCode() == 200 && r.body().contains("Allow access?")) {
        r = post(aaiBase + "/aai/consent", with(r, Map.of("decision", "approve")));
      } else {
        throw new AssertionError("sign-in stuck at " + r.uri() + " (" + r.statusCode() + "):\n" + r.body());
      }
    }
    throw new AssertionError("sign-in did not finish in 30 steps, last at " + r.uri());
  }

  private static Map<String, String> with(HttpResponse<String> page, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(page.body());
    while (m.find()) {
      all.put(m.group(1), m.group(2).replace("&amp;", "&"));
    }
    all.putAll(fields);
    return all;
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
