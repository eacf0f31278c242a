package eu.panosc.benchmarks.http;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/** The results of one measured window. */
record Phase(long[] latencies, double seconds, long failed, JsonObject cpu) {
  Phase {
    Arrays.sort(latencies);
  }

  double throughput() {
    return latencies.length / seconds;
  }

  /** Percentile in ms (nearest rank). */
  double p(double q) {
    if (latencies.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * latencies.length);
    return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
  }

  double max() {
    return latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6;
  }

  double mean() {
    return Arrays.stream(latencies).average().orElse(Double.NaN) / 1e6;
  }

  JsonObject json() {
    JsonObject latency = new JsonObject().put("mean", TokenLoad.round(mean(), 3))
        .put("p50", TokenLoad.round(p(0.5), 3)).put("p90", TokenLoad.round(p(0.9), 3))
        .put("p99", TokenLoad.round(p(0.99), 3)).put("p99.9", TokenLoad.round(p(0.999), 3))
        .put("max", TokenLoad.round(max(), 3));
    return new JsonObject().put("seconds", TokenLoad.round(seconds, 3)).put("completed", latencies.length)
        .put("failed", failed).put("throughput", TokenLoad.round(throughput(), 1))
        .put("latencyMs", latency)
        .put("cpu", cpu);
  }
}
