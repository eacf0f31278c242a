package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code panosc session create|list|stop}: analysis sessions of the resource-broker ({@code /broker/v1/sessions}) on
 * the command line. The token is a user's token for the broker: {@code --token}, else {@code PANOSC_TOKEN}, else the
 * access token {@code panosc login --resource <url>/broker} saved (device flow). Exit codes: 0 done, 1 unreachable
 * or failed, 2 refused as a bad request (the problem's detail is printed), 3 not authorized, 4 refused otherwise
 * (403 dataset, 404, 409 quota).
 */
@Command(name = "session", mixinStandardHelpOptions = true,
    description = "Create, list and stop analysis sessions (Jupyter, remote desktop) of the resource-broker. Sign in "
        + "first with `panosc login --resource <url>/broker` (or give --token). Exit codes: 0 done, 1 failed, 2 bad "
        + "request, 3 not authorized, 4 refused.",
    subcommands = {SessionCommand.Create.class, SessionCommand.ListSessions.class, SessionCommand.Stop.class})
final class SessionCommand {
  static final int EXIT_FAILED = 1;
  static final int EXIT_BAD_REQUEST = 2;
  static final int EXIT_UNAUTHORIZED = 3;
  static final int EXIT_REFUSED = 4;

  @Option(names = "--url", defaultValue = "${PANOSC_URL:-http://localhost:8080}", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Control plane URL (default: the environment variable PANOSC_URL, else http://localhost:8080).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "A user's bearer token for the broker (default: PANOSC_TOKEN, else the one `panosc login` saved).")
  String token;

  @Option(names = "--tokens-file", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Where `panosc login` saved the tokens (default: $XDG_CONFIG_HOME/panosc/tokens.json, else ~/.config/panosc/tokens.json).")
  Path tokensFile;

  /** A refusal with its exit code. */
  static final class Refused extends Exception {
    final int exit;

    Refused(int exit, String message) {
      super(message, null, false, false);
      this.exit = exit;
    }
  }

  String bearer() throws Refused {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String env = System.getenv("PANOSC_TOKEN");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    Path file = tokensFile != null ? tokensFile : LoginCommand.defaultTokensFile();
    try {
      String saved = new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getString("access_token");
      if (saved != null && !saved.isBlank()) {
        return saved;
      }
    } catch (IOException | DecodeException e) {
      // no saved sign-in: said below
    }
    throw new Refused(EXIT_UNAUTHORIZED, "not signed in: run `panosc login --resource " + base() + "` first, or "
        + "give --token (or PANOSC_TOKEN)");
  }

  String base() {
    return url.replaceAll("/+$", "") + "/broker";
  }

  HttpResponse<String> send(String method, String path, JsonObject body) throws Failure, Refused {
    ControlPlaneHttp http = new ControlPlaneHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build(), url, "panosc up");
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + bearer()).header("Accept", "application/json");
      request = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()).build()
          : b.header("Content-Type", "application/json").method(method,
              HttpRequest.BodyPublishers.ofString(body.encode())).build();
    } catch (IllegalArgumentException e) {
      throw new Failure("not a usable URL: " + url);
    }
    HttpResponse<String> r = http.send(request);
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      return r;
    }
    String detail = problem(r);
    int exit = switch (r.statusCode()) {
      case 400 -> EXIT_BAD_REQUEST;
      case 401 -> EXIT_UNAUTHORIZED;
      case 403, 404, 409 -> EXIT_REFUSED;
      default -> EXIT_FAILED;
    };
    throw new Refused(exit, "the broker answered " + r.statusCode() + ": " + detail
        + (r.statusCode() == 401 ? " (is your token for " + base() + "? `panosc login --resource " + base() + "`)" : ""));
  }

  private static String problem(HttpResponse<String> r) {
    try {
      JsonObject p = new JsonObject(r.body());
      StringBuilder b = new StringBuilder(String.valueOf(p.getString("detail", p.getString("title", ""))));
      JsonArray errors = p.getJsonArray("errors");
      if (errors != null && !errors.isEmpty()) {
        b.append(" [").append(errors.getJsonObject(0).getString("field")).append("]");
      }
      if (p.getString("limit") != null) {
        b.append(" [limit ").append(p.getString("limit")).append("]");
      }
      if (p.getString("resource") != null) {
        b.append(" [").append(p.getString("resource")).append("]");
      }
      return b.toString();
    } catch (DecodeException | ClassCastException e) {
      return r.body().length() > 200 ? r.body().substring(0, 200) : r.body();
    }
  }

  static int run(CommandSpec spec, Action action) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      String out = action.run();
      spec.commandLine().getOut().print(out);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (Refused e) {
      err.println("panosc: " + e.getMessage().replaceAll("[\\r\\n]+", " "));
      err.flush();
      return e.exit;
    } catch (Failure e) {
      err.println("panosc: " + e.getMessage().replaceAll("[\\r\\n]+", " "));
      err.flush();
      return EXIT_FAILED;
    }
  }

  /** One subcommand's work: what to print. */
  @FunctionalInterface
  interface Action {
    String run() throws Failure, Refused;
  }

  static String line(JsonObject s) {
    StringBuilder b = new StringBuilder();
    b.append(s.getString("id")).append('\t').append(s.getString("state")).append('\t').append(s.getString("image"))
        .append('/').append(s.getString("flavour"));
    JsonObject p = s.getJsonObject("placement");
    b.append('\t').append(p == null ? "-" : p.getString("cluster", "-"));
    b.append('\t').append(s.getString("url", "-"));
    return b.append('\n').toString();
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a session: prints its id, state, cluster, URL once running, and (this once) its access "
          + "secret on a second line.")
  static final class Create implements Callable<Integer> {
    @ParentCommand
    SessionCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, description = "Image id (GET /broker/v1/images).")
    String image;

    @Option(names = "--flavour", required = true, description = "Flavour id (GET /broker/v1/flavours).")
    String flavour;

    @Option(names = "--dataset", paramLabel = "PID", description = "A dataset to analyse (repeatable).")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--proposal", description = "Charge the session to this proposal, e.g. esrf:MX-2415.")
    String proposal;

    @Override
    public Integer call() {
      return run(spec, () -> {
        JsonObject body = new JsonObject().put("image", image).put("flavour", flavour)
            .put("datasets", new JsonArray(new ArrayList<Object>(datasets)));
        if (proposal != null) {
          body.put("proposal", proposal);
        }
        JsonObject s = new JsonObject(parent.send("POST", "/v1/sessions", body).body());
        return line(s) + "accessSecret\t" + s.getString("accessSecret", "-") + "\n";
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List your sessions, newest first: id, state, image/flavour, cluster, URL.")
  static final class ListSessions implements Callable<Integer> {
    @ParentCommand
    SessionCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      return run(spec, () -> {
        JsonArray all = new JsonObject(parent.send("GET", "/v1/sessions", null).body()).getJsonArray("sessions");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
          b.append(line(all.getJsonObject(i)));
        }
        return b.toString();
      });
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a session; prints it afterwards.")
  static final class Stop implements Callable<Integer> {
    @ParentCommand
    SessionCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The session's id.")
    String id;

    @Override
    public Integer call() {
      return run(spec, () -> line(new JsonObject(parent.send("DELETE", "/v1/sessions/"
          + URLEncoder.encode(id, StandardCharsets.UTF_8), null).body())));
    }
  }
}
