package eu.panosc.controlplane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A minimal W3C WebDriver client over HTTP driving a real headless Chromium through the Debian
 * {@code chromedriver} (no Selenium: the few commands a page test needs). Each instance starts its own
 * chromedriver on a free port and one browser session with a fresh profile; {@link #close()} ends both.
 *
 * @see <a href="https://www.w3.org/TR/webdriver2/">W3C WebDriver</a>
 */
final class WebDriver implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

  private final Process driver;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String session;

  /** Whether both Debian packages are installed. */
  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  WebDriver(Path downloads) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    base = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        if (call("GET", "/status", null).getJsonObject("value").getBoolean("ready")) {
          break;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          driver.destroyForcibly();
          throw e;
        }
      }
      Thread.sleep(100);
    }
    JsonObject options = new JsonObject().put("binary", CHROMIUM.toString())
        .put("args", new JsonArray(List.of("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
            "--disable-gpu", "--disable-crash-reporter", "--disable-breakpad", "--window-size=1280,1600")))
        .put("prefs", new JsonObject().put("download.default_directory", downloads.toString())
            .put("download.prompt_for_download", false));
    JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch",
        new JsonObject().put("browserName", "chrome").put("goog:chromeOptions", options)));
    try {
      session = call("POST", "/session", caps).getJsonObject("value").getString("sessionId");
    } catch (IOException | RuntimeException | AssertionError e) {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
      throw e;
    }
  }

  void get(String url) throws IOException {
    command("POST", "/url", new JsonObject().put("url", url));
  }

  String currentUrl() throws IOException {
    return command("GET", "/url", null).getString("value");
  }

  String title() throws IOException {
    return command("GET", "/title", null).getString("value");
  }

  String source() throws IOException {
    return command("GET", "/source", null).getString("value");
  }

  /** The element matching a CSS selector; fails when there is none. */
  String find(String css) throws IOException {
    JsonObject v = command("POST", "/element", new JsonObject().put("using", "css selector").put("value", css))
        .getJsonObject("value");
    if (v.getString(ELEMENT) == null) {
      throw new AssertionError("no element " + css + ": " + v.encode());
    }
    return v.getString(ELEMENT);
  }

  /** Every element matching a CSS selector (possibly none). */
  List<String> findAll(String css) throws IOException {
    return command("POST", "/elements", new JsonObject().put("using", "css selector").put("value", css))
        .getJsonArray("value").stream().map(o -> ((JsonObject) o).getString(ELEMENT)).toList();
  }

  String text(String element) throws IOException {
    return command("GET", "/element/" + element + "/text", null).getString("value");
  }

  String attribute(String element, String name) throws IOException {
    Object v = command("GET", "/element/" + element + "/attribute/" + name, null).getValue("value");
    return v == null ? null : v.toString();
  }

  /** A DOM property, e.g. {@code textContent} (an SVG element has no WebDriver text of its own). */
  String property(String element, String name) throws IOException {
    Object v = command("GET", "/element/" + element + "/property/" + name, null).getValue("value");
    return v == null ? null : v.toString();
  }

  void click(String element) throws IOException {
    command("POST", "/element/" + element + "/click", new JsonObject());
  }

  void clear(String element) throws IOException {
    command("POST", "/element/" + element + "/clear", new JsonObject());
  }

  void type(String element, String text) throws IOException {
    command("POST", "/element/" + element + "/value", new JsonObject().put("text", text));
  }

  /** A cookie of the current page's domain as WebDriver describes it (name, value, path, httpOnly, sameSite...). */
  JsonObject cookie(String name) throws IOException {
    return command("GET", "/cookie/" + name, null).getJsonObject("value");
  }

  /** Whether an element matches a CSS selector now (for {@link #await} conditions: no checked exception). */
  boolean has(String css) {
    try {
      return !findAll(css).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #currentUrl()} without a checked exception (for {@link #await} conditions). */
  String urlNow() {
    try {
      return currentUrl();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page's visible text (the body element's). */
  String bodyText() {
    try {
      return text(find("body"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits up to 15 s for the condition, polling. */
  static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private JsonObject command(String method, String path, JsonObject body) throws IOException {
    return call(method, "/session/" + session + path, body);
  }

  private JsonObject call(String method, String path, JsonObject body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonObject out = new JsonObject(r.body());
      if (r.statusCode() != 200) {
        throw new AssertionError("WebDriver " + method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      // the browser may already be gone; the process tree is ended below either way
    } finally {
      driver.descendants().forEach(ProcessHandle::destroy);
      driver.destroy();
      try {
        if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          driver.descendants().forEach(ProcessHandle::destroyForcibly);
          driver.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
