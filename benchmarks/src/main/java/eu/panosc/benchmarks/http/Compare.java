package eu.panosc.benchmarks.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code TokenLoad compare}: joins the results of {@link TokenLoad} for our aai-broker and for its peer
 * (Keycloak), measured in the same run, into one JSON file and prints, per grant (phase), the table with
 * the ratio ours / peer and the goals of the aai-broker issue: at least 10× the peer's saturation
 * throughput, p99 at most 10 ms at 80 % of saturation, and (for {@code client_credentials}, whose server
 * work is one signature) at least 50 % of the raw ES256 signing rate (JMH {@code Es256SigningBenchmark.sign},
 * when its result file is given with {@code --signing}).
 *
 * <p>Phases are given as {@code --ours.<phase> FILE --peer.<phase> FILE} (phases: {@code client_credentials},
 * {@code token_exchange}); {@code --ours FILE --peer FILE} is the {@code client_credentials} phase.
 */
final class Compare {
  static final double GOAL_THROUGHPUT_RATIO = 10;
  static final double GOAL_P99_MS = 10;
  static final double GOAL_SIGNING_FRACTION = 0.5;
  static final List<String> PHASES = List.of("client_credentials", "token_exchange");

  private Compare() {}

  static int compare(Map<String, String> opts) throws IOException {
    Map<String, String[]> files = new LinkedHashMap<>();
    for (String phase : PHASES) {
      String ours = opts.get("ours." + phase);
      String peer = opts.get("peer." + phase);
      if (ours == null && peer == null && "client_credentials".equals(phase)) {
        ours = opts.get("ours");
        peer = opts.get("peer");
      }
      if ((ours == null) != (peer == null)) {
        throw new IllegalArgumentException("phase " + phase + ": give both --ours." + phase + " and --peer." + phase);
      }
      if (ours != null) {
        files.put(phase, new String[] {ours, peer});
      }
    }
    for (String k : opts.keySet()) {
      if ((k.startsWith("ours.") || k.startsWith("peer.")) && !PHASES.contains(k.substring(5))) {
        throw new IllegalArgumentException("unknown phase in --" + k + " (phases: " + PHASES + ")");
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no phase to compare: give --ours.<phase> and --peer.<phase>");
    }
    Path out = Path.of(TokenLoad.required(opts, "out"));
    Double signing = null;
    JsonObject result = new JsonObject().put("benchmark", "token endpoint, ES256: " + String.join(", ", files.keySet()));
    opts.forEach((k, v) -> {
      if (k.startsWith("env.")) {
        result.put(k.substring(4), v);
      }
    });
    if (opts.containsKey("signing")) {
      signing = signingRate(read(opts.get("signing")));
      if (signing != null) {
        result.put("rawSigning", new JsonObject().put("file", opts.get("signing")).put("opsPerSecond", signing));
      }
    }
    JsonObject phases = new JsonObject();
    StringBuilder tables = new StringBuilder();
    StringBuilder summary = new StringBuilder("\nSummary (ours / peer, same run):\n");
    for (Map.Entry<String, String[]> e : files.entrySet()) {
      JsonObject phase = phase(e.getKey(), read(e.getValue()[0]), read(e.getValue()[1]), signing, tables);
      phases.put(e.getKey(), phase);
      JsonObject ours = phase.getJsonObject("ours");
      JsonObject peer = phase.getJsonObject("peer");
      summary.append(String.format(Locale.ROOT,
          "  %-18s %s %.1f/s vs %s %.1f/s = %.2f×; p99 at 80 %%: %.2f ms vs %.2f ms%n", e.getKey(),
          ours.getString("name"), ours.getJsonObject("saturation").getDouble("throughput"), peer.getString("name"),
          peer.getJsonObject("saturation").getDouble("throughput"),
          phase.getJsonObject("ratiosOursOverPeer").getDouble("saturationThroughput"),
          ours.getJsonObject("constantRate").getJsonObject("latencyMs").getDouble("p99"),
          peer.getJsonObject("constantRate").getJsonObject("latencyMs").getDouble("p99")));
    }
    result.put("phases", phases);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, result.encodePrettily() + "\n");
    System.out.print(tables);
    System.out.print(summary);
    System.out.println();
    System.out.println("Compare: result " + out);
    return 0;
  }

  /** One grant's comparison: both results, ratios, goals; appends its table to {@code t}. */
  private static JsonObject phase(String name, JsonObject ours, JsonObject peer, Double signing, StringBuilder t) {
    JsonObject result = new JsonObject().put("grant", name).put("ours", ours).put("peer", peer);
    double oursSat = ours.getJsonObject("saturation").getDouble("throughput");
    double peerSat = peer.getJsonObject("saturation").getDouble("throughput");
    JsonObject oursLat = ours.getJsonObject("constantRate").getJsonObject("latencyMs");
    JsonObject peerLat = peer.getJsonObject("constantRate").getJsonObject("latencyMs");
    JsonObject ratios = new JsonObject()
        .put("saturationThroughput", TokenLoad.round(oursSat / peerSat, 2))
        .put("p50AtRate", TokenLoad.round(oursLat.getDouble("p50") / peerLat.getDouble("p50"), 3))
        .put("p99AtRate", TokenLoad.round(oursLat.getDouble("p99") / peerLat.getDouble("p99"), 3))
        .put("p999AtRate", TokenLoad.round(oursLat.getDouble("p99.9") / peerLat.getDouble("p99.9"), 3));
    Double oursCpu = cpuMicrosPerGrant(ours);
    Double peerCpu = cpuMicrosPerGrant(peer);
    if (oursCpu != null && peerCpu != null) {
      ratios.put("serverCpuPerGrant", TokenLoad.round(oursCpu / peerCpu, 3));
    }
    result.put("ratiosOursOverPeer", ratios);

    JsonObject goals = new JsonObject()
        .put("throughputAtLeast10xPeer", oursSat >= GOAL_THROUGHPUT_RATIO * peerSat)
        .put("p99AtMost10msAt80Percent", oursLat.getDouble("p99") <= GOAL_P99_MS);
    boolean signingGoal = signing != null && "client_credentials".equals(name);
    if (signing != null) {
      result.put("oursOverRawSigning", TokenLoad.round(oursSat / signing, 3));
      if (signingGoal) {
        goals.put("atLeast50PercentOfRawSigning", oursSat >= GOAL_SIGNING_FRACTION * signing);
      }
    }
    result.put("goals", goals);

    String on = ours.getString("name");
    String pn = peer.getString("name");
    t.append(String.format(Locale.ROOT, "%n%s%n| measure | %s | %s | ratio %s / %s | goal | met? |%n|---|---|---|---|---|---|%n",
        name, on, pn, on, pn));
    row(t, "saturation throughput, grants/s (" + ours.getInteger("connections") + " conns, closed loop)",
        oursSat, peerSat, ratios.getDouble("saturationThroughput"), "≥ 10× " + pn,
        goals.getBoolean("throughputAtLeast10xPeer"), 1);
    JsonObject oursSatLat = ours.getJsonObject("saturation").getJsonObject("latencyMs");
    JsonObject peerSatLat = peer.getJsonObject("saturation").getJsonObject("latencyMs");
    row(t, "p50 at saturation (closed loop), ms", oursSatLat.getDouble("p50"), peerSatLat.getDouble("p50"), null, "",
        null, 2);
    row(t, "p99 at saturation (closed loop), ms", oursSatLat.getDouble("p99"), peerSatLat.getDouble("p99"), null, "",
        null, 2);
    row(t, "rate of the open-loop phase, grants/s (80 %)", ours.getJsonObject("constantRate").getDouble("throughput"),
        peer.getJsonObject("constantRate").getDouble("throughput"), null, "", null, 1);
    row(t, "p50 at 80 %, ms", oursLat.getDouble("p50"), peerLat.getDouble("p50"), ratios.getDouble("p50AtRate"), "",
        null, 2);
    row(t, "p99 at 80 %, ms", oursLat.getDouble("p99"), peerLat.getDouble("p99"), ratios.getDouble("p99AtRate"),
        "≤ 10 ms", goals.getBoolean("p99AtMost10msAt80Percent"), 2);
    row(t, "p99.9 at 80 %, ms", oursLat.getDouble("p99.9"), peerLat.getDouble("p99.9"), ratios.getDouble("p999AtRate"),
        "", null, 2);
    row(t, "max at 80 %, ms", oursLat.getDouble("max"), peerLat.getDouble("max"), null, "", null, 2);
    Double oursDelay = driverDelayMax(ours);
    Double peerDelay = driverDelayMax(peer);
    if (oursDelay != null && peerDelay != null) {
      row(t, "driver's own delay at 80 %, max, ms", oursDelay, peerDelay, null, "", null, 2);
    }
    if (oursCpu != null && peerCpu != null) {
      row(t, "server CPU per grant at saturation, µs", oursCpu, peerCpu, ratios.getDouble("serverCpuPerGrant"), "",
          null, 0);
    }
    if (signing != null) {
      row(t, "raw ES256 sign (JMH), ops/s; ours / raw", oursSat, signing, result.getDouble("oursOverRawSigning"),
          signingGoal ? "≥ 0.5" : "", signingGoal ? goals.getBoolean("atLeast50PercentOfRawSigning") : null, 1);
    }
    return result;
  }

  private static Double driverDelayMax(JsonObject target) {
    JsonObject d = target.getJsonObject("constantRate").getJsonObject("cpu").getJsonObject("driverDelayMs");
    return d == null ? null : d.getDouble("max");
  }

  private static void row(StringBuilder t, String what, double a, double b, Double ratio, String goal, Boolean met,
      int digits) {
    String f = "%." + digits + "f";
    t.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, f, a)).append(" | ")
        .append(String.format(Locale.ROOT, f, b)).append(" | ")
        .append(ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio)).append(" | ").append(goal)
        .append(" | ").append(met == null ? "" : met ? "yes" : "**no**").append(" |\n");
  }

  /** Server CPU time per checked grant in the saturation window, µs; null without a server pid. */
  private static Double cpuMicrosPerGrant(JsonObject target) {
    JsonObject sat = target.getJsonObject("saturation");
    Double cpu = sat.getJsonObject("cpu").getDouble("serverCpuSeconds");
    long n = sat.getLong("completed");
    return cpu == null || n == 0 ? null : TokenLoad.round(cpu * 1e6 / n, 1);
  }

  /** {@code Es256SigningBenchmark.sign} score, scenario SINGLE_FACILITY, from a JMH JSON result. */
  private static Double signingRate(JsonObject wrapper) {
    JsonArray runs = wrapper.getJsonArray("jmh");
    for (int i = 0; i < runs.size(); i++) {
      JsonObject r = runs.getJsonObject(i);
      if (r.getString("benchmark").endsWith("Es256SigningBenchmark.sign")
          && "SINGLE_FACILITY".equals(r.getJsonObject("params", new JsonObject()).getString("scenario"))) {
        return TokenLoad.round(r.getJsonObject("primaryMetric").getDouble("score"), 1);
      }
    }
    return null;
  }

  private static JsonObject read(String file) throws IOException {
    String text = Files.readString(Path.of(file)).trim();
    // JMH writes a JSON array; wrap it so one reader serves both
    return text.startsWith("[") ? new JsonObject().put("jmh", new JsonArray(text)) : new JsonObject(text);
  }
}
