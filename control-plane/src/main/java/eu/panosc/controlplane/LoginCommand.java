package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code panosc login}: signs a real person in with the OAuth 2.0 device authorization grant (RFC 8628). It asks
 * the broker for a device code and a user code, tells the person (on standard error) where to enter the code,
 * polls the token endpoint at the interval the broker gives (5 s more after every {@code slow_down}) until the
 * person approves, denies, or the code expires, then saves the tokens to {@code ~/.config/panosc/tokens.json}
 * (mode 0600) and prints the access token on standard output.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = "Sign in with the device flow (RFC 8628): open the address shown in any browser, enter the code, "
        + "sign in and allow; then the access token is printed and the tokens saved to ~/.config/panosc/tokens.json.")
final class LoginCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  @Option(names = "--url", defaultValue = "${PANOSC_URL:-http://localhost:8080}",
      description = "Control plane URL (default: the environment variable PANOSC_URL, else http://localhost:8080).")
  String url;

  @Option(names = "--client", defaultValue = "panosc-cli", description = "Client id (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--scope", defaultValue = "openid profile", description = "Scopes (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--resource", paramLabel = "URL",
      description = "Ask for a token for this resource server (RFC 8707), e.g. <url>/broker for panosc session.")
  String resource;

  @Option(names = "--tokens-file", paramLabel = "FILE",
      description = "Where to save the tokens (default: $XDG_CONFIG_HOME/panosc/tokens.json, else ~/.config/panosc/tokens.json).")
  Path tokensFile;

  @Option(names = "--no-save", description = "Do not save the tokens; only print the access token.")
  boolean noSave;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      JsonObject tokens = run(err);
      if (!noSave) {
        Path file = tokensFile != null ? tokensFile : defaultTokensFile();
        save(file, tokens);
        err.println("Signed in. Tokens saved to " + file + " (readable only by you).");
        err.flush();
      }
      spec.commandLine().getOut().println(tokens.getString("access_token"));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (Failure e) {
      err.println("panosc: " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
  }

  JsonObject run(PrintWriter err) throws Failure {
    ControlPlaneHttp http = new ControlPlaneHttp(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5)).build(), url, "panosc up");
    String base = http.aai();
    Map<String, String> start = new LinkedHashMap<>();
    start.put("client_id", client);
    start.put("scope", scope);
    if (resource != null) {
      start.put("resource", resource);
    }
    HttpResponse<String> started = http.post(base + "/device_authorization", start);
    JsonObject device = json(started, "the device authorization endpoint");
    if (started.statusCode() != 200) {
      throw new Failure("the broker refused to start the sign-in: " + describe(device)
          + ("invalid_client".equals(device.getString("error"))
              ? " (is " + client + " registered as a public client? demo clients exist only with --demo)" : ""));
    }
    String deviceCode = device.getString("device_code");
    String userCode = device.getString("user_code");
    String verification = device.getString("verification_uri");
    if (deviceCode == null || userCode == null || verification == null) {
      throw new Failure("the device authorization endpoint answered without device_code, user_code or verification_uri");
    }
    long expiresIn = device.getLong("expires_in", 600L);
    long interval = Math.max(1, device.getLong("interval", 5L));
    err.println("To sign in, open " + verification + " in a browser and enter the code " + userCode);
    if (device.getString("verification_uri_complete") != null) {
      err.println("(or open " + device.getString("verification_uri_complete") + " and confirm the code)");
    }
    err.println("Waiting for you to sign in and allow access; the code expires in " + minutes(expiresIn) + " ...");
    err.flush();

    Instant deadline = Instant.now().plusSeconds(expiresIn);
    Map<String, String> poll = new LinkedHashMap<>();
    poll.put("grant_type", DEVICE_GRANT);
    poll.put("device_code", deviceCode);
    poll.put("client_id", client);
    if (resource != null) {
      poll.put("resource", resource);
    }
    while (true) {
      sleep(interval);
      HttpResponse<String> answer = http.post(base + "/token", poll);
      JsonObject body = json(answer, "the token endpoint");
      if (answer.statusCode() == 200 && body.getString("access_token") != null) {
        return body.put("issuer", base).put("client_id", client).put("obtained_at", Instant.now().toString())
            .put("expires_at", Instant.now().plusSeconds(body.getLong("expires_in", 0L)).toString());
      }
      String error = String.valueOf(body.getString("error"));
      switch (error) {
        case "authorization_pending" -> { }
        // RFC 8628 §3.5: raise the interval by 5 seconds for this and all later requests
        case "slow_down" -> interval += 5;
        case "access_denied" -> throw new Failure("the sign-in was denied in the browser");
        case "expired_token" -> throw new Failure("the code " + userCode + " expired before it was approved; run "
            + "panosc login again");
        case "temporarily_unavailable" -> interval += answer.headers().firstValue("Retry-After")
            .map(LoginCommand::seconds).orElse(5L);
        default -> throw new Failure("the token endpoint refused the device code: " + describe(body));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new Failure("the code " + userCode + " expired before it was approved; run panosc login again");
      }
    }
  }

  private static long seconds(String s) {
    try {
      return Math.max(1, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return 5;
    }
  }

  private static String minutes(long seconds) {
    return seconds % 60 == 0 ? seconds / 60 + " minutes" : seconds + " seconds";
  }

  private static String describe(JsonObject error) {
    String description = error.getString("error_description");
    return error.getString("error") + (description == null ? "" : ": " + description);
  }

  private JsonObject json(HttpResponse<String> r, String what) throws Failure {
    try {
      return new JsonObject(r.body());
    } catch (RuntimeException e) {
      throw new Failure(what + " at " + url + " answered HTTP " + r.statusCode() + " without JSON"
          + (r.statusCode() == 404 ? " (is the aai-broker running there, with the device flow?)" : ""));
    }
  }

  private void sleep(long seconds) throws Failure {
    try {
      Thread.sleep(Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /** {@code $XDG_CONFIG_HOME/panosc/tokens.json}, else {@code ~/.config/panosc/tokens.json}. */
  static Path defaultTokensFile() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return config.resolve("panosc").resolve("tokens.json");
  }

  /**
   * Writes the tokens readable by the owner only: the directory is created 0700, the file written to a 0600
   * temporary file next to it and moved over the old one, so it is never readable by others, not even briefly.
   */
  static void save(Path file, JsonObject tokens) throws Failure {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        if (posix) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      Path tmp = posix
          ? Files.createTempFile(dir, ".tokens", ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, ".tokens", ".tmp");
      try {
        Files.writeString(tmp, tokens.encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      if (posix) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new Failure("signed in, but could not save the tokens to " + file + ": " + e.getMessage()
          + " (use --tokens-file FILE or --no-save)");
    }
  }
}
