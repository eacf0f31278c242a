package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import eu.panosc.controlplane.ControlPlaneHttp.Refused;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code panosc report}: fetches a usage report from a running accounting service ({@code GET
 * /accounting/v1/reports}) and prints it as a table, CSV or JSON, to standard output or a file. The token is given
 * ({@code --token} or {@code PANOSC_TOKEN}) or got with the client credentials grant ({@code --client} and
 * {@code --client-secret} or {@code PANOSC_CLIENT_SECRET}) from the control plane's aai-broker, scope
 * {@code accounting:read}. While the report downloads, a progress line (bytes received) is drawn on standard error
 * when that is a terminal. Exit codes: 0 done, 1 unreachable or failed, 2 a bad request (the period, a dimension),
 * 3 not authorized (401, 403).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Print a usage report of a running accounting service, e.g. panosc report --period 2026-11 --by "
        + "facility. Exit codes: 0 done, 1 unreachable or failed, 2 bad request, 3 not authorized.")
final class ReportCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_BAD_REQUEST = 2;
  static final int EXIT_UNAUTHORIZED = ControlPlaneHttp.EXIT_UNAUTHORIZED;
  static final String SCOPE = "accounting:read";

  enum Format { table, csv, json }

  enum Progress { auto, always, never }

  @Option(names = "--period", required = true, paramLabel = "PERIOD",
      description = "UTC month 2026-11, day 2026-11-05, hour 2026-11-05T10, or from..to of these.")
  String period;

  @Option(names = "--by", split = ",", paramLabel = "DIMENSION",
      description = "Group by any of facility, installation, proposal, community (comma-separated or repeated).")
  List<String> by = new ArrayList<>();

  @Option(names = "--metric", split = ",", paramLabel = "METRIC", description = "Only these metrics (default all).")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
  Path output;

  @picocli.CommandLine.Mixin
  Credentials credentials = new Credentials();

  @Option(names = "--progress", defaultValue = "auto",
      description = "Progress on standard error: auto (when it is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  Progress progress;

  @Spec
  CommandSpec spec;

  /** Environment lookups, replaceable in tests. */
  java.util.function.Function<String, String> env = System::getenv;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      String report = run(err);
      if (output != null) {
        Path dir = output.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".panosc-report", ".tmp");
        Files.writeString(tmp, report, StandardCharsets.UTF_8);
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        spec.commandLine().getOut().print(report);
        spec.commandLine().getOut().flush();
      }
      return 0;
    } catch (Refused e) {
      return fail(err, e.getMessage(), e.exit);
    } catch (Failure e) {
      return fail(err, e.getMessage(), EXIT_FAILED);
    } catch (IOException e) {
      return fail(err, "cannot write " + output + ": " + e.getMessage(), EXIT_FAILED);
    }
  }

  private static int fail(PrintWriter err, String message, int exit) {
    err.println("panosc: " + message.replaceAll("[\\r\\n]+", " "));
    err.flush();
    return exit;
  }

  String run(PrintWriter err) throws Failure, Refused {
    ControlPlaneHttp http = new ControlPlaneHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build(), credentials.url, "panosc up");
    String bearer = credentials.bearer(http, env, SCOPE);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("period", period);
    if (!by.isEmpty()) {
      query.put("groupBy", String.join(",", by));
    }
    if (!metrics.isEmpty()) {
      query.put("metric", String.join(",", metrics));
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(http.base() + "/accounting/v1/reports?" + ControlPlaneHttp.form(query)))
          .header("Authorization", "Bearer " + bearer)
          .header("Accept", format == Format.csv ? "text/csv" : "application/json").GET().build();
    } catch (IllegalArgumentException e) {
      throw new Failure("not a usable URL: " + credentials.url);
    }
    HttpResponse<InputStream> response = http.stream(request);
    String body = read(response, err);
    if (response.statusCode() != 200) {
      throw refusal(response.statusCode(), body);
    }
    return switch (format) {
      case csv -> body;
      case json -> new JsonObject(body).encodePrettily() + "\n";
      case table -> table(new JsonObject(body));
    };
  }

  /** Reads the body, drawing the progress line when wanted. */
  private String read(HttpResponse<InputStream> response, PrintWriter err) throws Failure {
    boolean show = progress == Progress.always || (progress == Progress.auto && stderrIsTerminal());
    long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long last = 0;
    try (InputStream in = response.body()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        long now = System.nanoTime();
        if (show && now - last > 100_000_000L) {
          last = now;
          err.print("\r" + progressLine(out.size(), total));
          err.flush();
        }
      }
    } catch (IOException e) {
      throw new Failure("the report download broke off: " + e.getMessage());
    }
    if (show) {
      err.print("\r" + progressLine(out.size(), total) + "\n");
      err.flush();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** {@code [#####.....]  40%  1.2 MiB of 3.0 MiB}, or without a bar when the length is unknown. */
  static String progressLine(long received, long total) {
    if (total <= 0) {
      return "received " + bytes(received);
    }
    int width = 30;
    int filled = (int) Math.min(width, received * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + String.format(Locale.ROOT, "%3d%%",
        Math.min(100, received * 100 / total)) + "  " + bytes(received) + " of " + bytes(total);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Whether standard error goes to a terminal (JDK 22+ can tell exactly; before, a console means one). */
  static boolean stderrIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** A refused request as one line: the problem's title and detail, and the exit code for its status. */
  static Refused refusal(int status, String body) {
    String text;
    try {
      JsonObject p = new JsonObject(body);
      text = p.getString("title", "HTTP " + status) + (p.getString("detail") != null ? ": " + p.getString("detail")
          : "");
    } catch (RuntimeException e) {
      text = "HTTP " + status;
    }
    int exit = status == 400 || status == 406 ? EXIT_BAD_REQUEST : status == 401 || status == 403 ? EXIT_UNAUTHORIZED
        : EXIT_FAILED;
    String hint = status == 401 ? " (is the token valid and meant for this control plane?)"
        : status == 403 ? " (the token needs scope accounting:read)" : "";
    return new Refused(exit, "the accounting service refused the report: " + text + hint);
  }

  /** An aligned text table: the group's dimensions, metric, value, unique users and proposals, late. */
  static String table(JsonObject report) {
    List<String> dims = report.getJsonArray("groupBy", new JsonArray()).stream().map(Object::toString).toList();
    List<String> header = new ArrayList<>(dims);
    header.addAll(List.of("metric", "value", "users", "proposals", "late"));
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    for (Object o : report.getJsonArray("rows", new JsonArray())) {
      JsonObject r = (JsonObject) o;
      List<String> cells = new ArrayList<>();
      dims.forEach(d -> cells.add(r.getValue(d) == null ? "-" : r.getValue(d).toString()));
      cells.add(String.valueOf(r.getValue("metric")));
      cells.add(number(r.getValue("value")));
      cells.add(String.valueOf(r.getValue("uniqueUsers")));
      cells.add(String.valueOf(r.getValue("uniqueProposals")));
      cells.add(Boolean.TRUE.equals(r.getValue("late")) ? "late" : "");
      rows.add(cells);
    }
    int[] width = new int[header.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder("Usage " + report.getString("from") + " .. " + report.getString("to")
        + " (" + report.getString("granularity") + " rollups)\n");
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        boolean numeric = i >= dims.size() + 1 && i < header.size() - 1;
        String cell = row.get(i).replaceAll("\\p{Cntrl}", "?");
        line.append(numeric ? " ".repeat(width[i] - cell.length()) + cell : cell + " ".repeat(width[i] - cell.length()));
        line.append(i < row.size() - 1 ? "  " : "");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    if (rows.size() == 1) {
      sb.append("(no usage in this period)\n");
    }
    return sb.toString();
  }

  private static String number(Object v) {
    if (v == null) {
      return "";
    }
    return new java.math.BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
  }
}
