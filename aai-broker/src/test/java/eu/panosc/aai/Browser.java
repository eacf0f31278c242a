package eu.panosc.aai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A person's browser for tests: JDK HttpClient with a cookie jar and redirects disabled (we read Location). */
final class Browser {
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  final CookieManager cookies = new CookieManager();
  private final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackIsSecure(cookies))
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  HttpResponse<String> post(String url, Map<String, String> form) {
    String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of the cookie {@code name} the browser holds, or null. */
  String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
        .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
  }

  /** Puts a cookie into the jar (for replaying an old session cookie). */
  void setCookie(String base, String name, String value) {
    java.net.HttpCookie c = new java.net.HttpCookie(name, value);
    c.setPath("/aai");
    c.setVersion(0);
    cookies.getCookieStore().add(URI.create(base), c);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The hidden fields of the page's form (req, csrf). */
  static Map<String, String> hidden(String html) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(2).replace("&amp;", "&"));
    }
    return out;
  }

  /** Posts the login form of {@code page} with these credentials. */
  HttpResponse<String> login(String base, HttpResponse<String> page, String username, String password) {
    Map<String, String> form = hidden(page.body());
    form.put("username", username);
    form.put("password", password);
    return post(base + "/aai/login", form);
  }

  /** Answers the consent screen of {@code page}. */
  HttpResponse<String> consent(String base, HttpResponse<String> page, boolean approve) {
    Map<String, String> form = hidden(page.body());
    form.put("decision", approve ? "approve" : "deny");
    return post(base + "/aai/consent", form);
  }

  static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + r.statusCode()
        + " " + r.body()));
  }

  /**
   * As browsers do, treats http://localhost and http://127.0.0.1 as a secure context: cookies marked Secure (Keycloak
   * sets its login cookies so) are sent there too. The JDK's CookieManager alone sends them only over https.
   */
  private static final class LoopbackIsSecure extends java.net.CookieHandler {
    private final CookieManager jar;

    LoopbackIsSecure(CookieManager jar) {
      this.jar = jar;
    }

    @Override
    public java.util.Map<String, java.util.List<String>> get(URI uri, java.util.Map<String, java.util.List<String>>
        headers) throws IOException {
      boolean loopback = "http".equals(uri.getScheme())
          && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
      return jar.get(loopback ? URI.create("https" + uri.toString().substring("http".length())) : uri, headers);
    }

    @Override
    public void put(URI uri, java.util.Map<String, java.util.List<String>> headers) throws IOException {
      jar.put(uri, headers);
    }
  }
}
