package eu.panosc.benchmarks.pdp;

import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.engine.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every decision of the PDP engine over {@link Fixtures}' world (all its users plus an unknown
 * one, every action of the default policy plus one it does not name, every dataset) as JSON lines
 * {@code {"user","action","dataset","permit","rule"}} to the file named by its one argument (not stdout,
 * where the PDP's logging goes). {@code benchmarks/cedar/bench.mjs --matrix FILE}
 * compares Cedar's decisions with these, so the Cedar peer is checked to be the same policy over the
 * same world, not only on the six benchmark scenarios. Not a benchmark; a plain {@code main}:
 * {@code java -cp benchmarks/target/benchmarks.jar eu.panosc.benchmarks.pdp.DecisionMatrix FILE}.
 */
public final class DecisionMatrix {
  private DecisionMatrix() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: DecisionMatrix OUTPUT-FILE");
    }
    Fixtures.World world = Fixtures.world();
    List<String> users = new ArrayList<>();
    for (String f : List.of("esrf", "ill")) {
      for (String u : List.of("pi", "co", "lc", "scientist", "manager", "admin")) {
        users.add(u + "@" + f);
      }
    }
    users.add("outsider@nowhere");
    List<String> actions = List.of("read", "download", "analyse", "annotate", "publish", "delete");
    StringBuilder out = new StringBuilder();
    for (String user : users) {
      for (String action : actions) {
        for (String f : List.of("esrf", "ill")) {
          for (String d : List.of("embargoed", "released", "public")) {
            String pid = f + "/" + d;
            Decision decision = world.engine().decide(Fixtures.request(user, action, pid));
            if (decision.failed()) {
              throw new IllegalStateException(user + " " + action + " " + pid + ": " + decision.errorMessage());
            }
            out.append("{\"user\":\"").append(user).append("\",\"action\":\"").append(action)
                .append("\",\"dataset\":\"").append(pid).append("\",\"permit\":").append(decision.permit())
                .append(",\"rule\":").append(decision.permit() ? "\"" + decision.rule() + "\"" : "null")
                .append("}\n");
          }
        }
      }
    }
    Files.writeString(Path.of(args[0]), out, StandardCharsets.UTF_8);
  }
}
