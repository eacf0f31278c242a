package eu.panosc.benchmarks.pdp;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.engine.Fixtures;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process PDP decision latency (issue goal: median ≤ 10 µs): the PaNOSC data policy compiled with
 * CEL, relations from the in-memory cache, over the engine tests' deterministic world. Scenarios cover
 * the rule that decides: membership, staff role, release date, public flag, and a denial. Every
 * measured decision is checked against its expected answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {
  /** scenario: user, action, dataset, expected decision. */
  @Param({"member-read-embargoed", "staff-read-embargoed", "outsider-read-released", "outsider-read-public",
      "outsider-read-embargoed-deny", "co-publish-deny"})
  public String scenario;

  private Fixtures.World world;
  private AccessRequest request;
  private boolean expected;

  @Setup
  public void setUp() {
    world = Fixtures.world();
    switch (scenario) {
      case "member-read-embargoed" -> set("co@esrf", "read", "esrf/embargoed", true);
      case "staff-read-embargoed" -> set("scientist@esrf", "read", "esrf/embargoed", true);
      case "outsider-read-released" -> set("outsider@nowhere", "read", "esrf/released", true);
      case "outsider-read-public" -> set("outsider@nowhere", "download", "esrf/public", true);
      case "outsider-read-embargoed-deny" -> set("outsider@nowhere", "read", "esrf/embargoed", false);
      case "co-publish-deny" -> set("co@esrf", "publish", "esrf/embargoed", false);
      default -> throw new IllegalArgumentException(scenario);
    }
    if (world.engine().decide(request).permit() != expected) {
      throw new IllegalStateException("scenario " + scenario + " does not give " + expected);
    }
  }

  private void set(String user, String action, String pid, boolean permit) {
    request = Fixtures.request(user, action, pid);
    expected = permit;
  }

  @Benchmark
  public Decision decide() {
    Decision d = world.engine().decide(request);
    if (d.permit() != expected) {
      throw new IllegalStateException("wrong decision for " + scenario);
    }
    return d;
  }
}
