package eu.panosc.benchmarks.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint: sends the request and checks its answer. With several bodies, each request carries the next one
 * (cycling), e.g. token exchanges with distinct subject tokens.
 */
final class Target {
  private static final int MAX_ERROR_SAMPLES = 5;

  final HttpClientAgent client;
  final RequestOptions request;
  final List<Buffer> bodies;
  private final AtomicInteger next = new AtomicInteger();
  final AtomicLong ok = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
  final Context context;
  final Checker checker;

  Target(HttpClientAgent client, RequestOptions request, List<Buffer> bodies, Context context, Checker checker) {
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("no request body");
    }
    this.client = client;
    this.request = request;
    this.bodies = List.copyOf(bodies);
    this.context = context;
    this.checker = checker;
  }

  /** Completes with true when the answer passed every check, false (and an error counted) otherwise. */
  Future<Boolean> call() {
    Buffer body = bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()));
    return client.request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> check(resp.statusCode(), b)))
        .otherwise(e -> {
          error("request failed: " + e);
          return false;
        });
  }

  private boolean check(int status, Buffer b) {
    String problem = checker.problem(status, b);
    if (problem == null) {
      ok.incrementAndGet();
      return true;
    }
    error(problem);
    return false;
  }

  void error(String message) {
    errors.incrementAndGet();
    if (errorSamples.size() < MAX_ERROR_SAMPLES) {
      errorSamples.add(message);
    }
  }
}
