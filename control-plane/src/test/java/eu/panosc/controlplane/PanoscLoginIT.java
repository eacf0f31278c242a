package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.aai.AaiApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code panosc login} against a running registry and aai-broker in demo mode: the command runs the device flow
 * and polls while the test plays the person in a browser (JDK HttpClient with cookies), entering the code the
 * command printed, logging in and allowing or denying. The broker's poll interval is 1 s here to keep it quick.
 */
class PanoscLoginIT {
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  private static final Pattern CODE = Pattern.compile("enter the code ([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})");

  @TempDir
  static Path dataDir;

  @TempDir
  Path home;

  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication()), true,
        Map.of("services.aai.devicePollInterval", "1s"), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  record Run(int exit, String out, String err) {}

  /** The command running in the background; its standard error can be read while it runs. */
  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    Run await() throws Exception {
      int code = exit.get(60, TimeUnit.SECONDS);
      return new Run(code, out.toString().trim(), err.toString().trim());
    }
  }

  static Running panosc(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PanoscCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Running(CompletableFuture.supplyAsync(() -> cl.execute(args)), out, err);
  }

  /** Waits until the command shows the user code. */
  static String userCode(Running running) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> {
      Matcher m = CODE.matcher(running.err().toString());
      return m.find() ? m.group(1) : null;
    }, c -> c != null);
  }

  /** The person's browser. */
  static final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String target) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create(target)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts the page's form (hidden fields plus {@code fields}) to the verification page. */
    HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> fields)
        throws IOException, InterruptedException {
      Map<String, String> form = new LinkedHashMap<>();
      Matcher m = HIDDEN.matcher(page.body());
      while (m.find()) {
        form.put(m.group(1), m.group(2).replace("&amp;", "&"));
      }
      form.putAll(fields);
      String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
      return http.send(HttpRequest.newBuilder(URI.create(base + "/aai/device"))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows the complete URI, confirms the code, logs in and answers the consent screen. */
    HttpResponse<String> decide(String completeUri, String user, boolean approve) throws Exception {
      HttpResponse<String> page = get(completeUri);
      assertThat(page.statusCode()).isEqualTo(200);
      Matcher code = Pattern.compile("name=\"user_code\" value=\"([^\"]*)\"").matcher(page.body());
      assertThat(code.find()).isTrue();
      page = submit(page, Map.of("user_code", code.group(1)));
      assertThat(page.body()).contains("name=\"password\"");
      page = submit(page, Map.of("username", user, "password", user + "-demo-pw"));
      assertThat(page.body()).contains("Allow access?");
      return submit(page, Map.of("decision", approve ? "approve" : "deny"));
    }
  }

  static JsonObject payload(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void loginWhenPersonApprovesThenPrintsTheAccessTokenAndSavesTheTokensPrivately() throws Exception {
    Path file = home.resolve("config/panosc/tokens.json");
    Running running = panosc("login", "--url", base, "--tokens-file", file.toString());
    String code = userCode(running);
    String shown = running.err().toString();
    assertThat(shown).contains("open " + base + "/aai/device in a browser", base + "/aai/device?user_code=" + code);
    Thread.sleep(1500);   // let the command poll at least once while the person is still busy
    assertThat(running.exit()).as("still polling").isNotDone();

    HttpResponse<String> done = new Browser().decide(base + "/aai/device?user_code=" + code, "alice", true);
    assertThat(done.body()).contains("Device signed in");

    Run run = running.await();
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("\n").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    JsonObject claims = payload(run.out());
    assertThat(claims.getString("client_id")).isEqualTo("panosc-cli");
    assertThat(claims.getString("iss")).isEqualTo(base + "/aai");
    var info = Http.getAuthorized(base + "/aai/userinfo", run.out());
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(info.body()).getString("name")).isEqualTo("Alice Martin");
    assertThat(run.err()).contains("Signed in. Tokens saved to " + file);

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    JsonObject saved = new JsonObject(Files.readString(file));
    assertThat(saved.getString("access_token")).isEqualTo(run.out());
    assertThat(saved.getString("refresh_token")).isNotBlank();
    assertThat(saved.getString("id_token")).isNotBlank();
    assertThat(saved.getString("issuer")).isEqualTo(base + "/aai");
    assertThat(saved.getString("client_id")).isEqualTo("panosc-cli");
    try (var files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left")
          .containsExactly("tokens.json");
    }
  }

  @Test
  void loginWhenPersonDeniesThenOneLineErrorAndNothingSaved() throws Exception {
    Path file = home.resolve("tokens.json");
    Running running = panosc("login", "--url", base, "--tokens-file", file.toString());
    String code = userCode(running);
    new Browser().decide(base + "/aai/device?user_code=" + code, "bob", false);
    Run run = running.await();
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    String last = run.err().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).isEqualTo("panosc: the sign-in was denied in the browser");
    assertThat(file).doesNotExist();
  }

  @Test
  void loginWhenInputWrongThenOneLineErrors() throws Exception {
    Run unknown = panosc("login", "--url", base, "--client", "nobody", "--no-save").await();
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("panosc: the broker refused to start the sign-in: invalid_client")
        .doesNotContain("\n");
    Run notRegistered = panosc("login", "--url", base, "--client", "jupyterhub-eosc", "--no-save").await();
    assertThat(notRegistered.exit()).isEqualTo(1);
    assertThat(notRegistered.err()).startsWith("panosc: the broker refused to start the sign-in: invalid_client")
        .doesNotContain("\n");
    Run badScope = panosc("login", "--url", base, "--scope", "openid pdp:admin", "--no-save").await();
    assertThat(badScope.exit()).isEqualTo(1);
    assertThat(badScope.err()).startsWith("panosc: the broker refused to start the sign-in: invalid_scope")
        .contains("pdp:admin").doesNotContain("\n");
    Run down = panosc("login", "--url", "http://127.0.0.1:" + Http.freePort(), "--no-save").await();
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).startsWith("panosc: cannot reach the control plane").doesNotContain("\n");
  }
}
