package eu.panosc.platform.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one assertion collector of {@link OpenApiFuzzer}: every response is checked here, every violation is
 * kept (not thrown), and {@link #assertNone()} fails once with all of them, so that one run shows everything.
 */
public final class FuzzFindings {
  /** A Java stack frame ({@code at eu.panosc.X.y(}) or an exception class name in a response body. */
  static final Pattern LEAK = Pattern.compile(
      "\\bat [a-z][\\w$]*(\\.[\\w$<>]+)+\\(|\\b\\w*(Exception|Throwable)\\b|\\bjava\\.(lang|util|io|time|net)\\.[A-Z]\\w*");

  /** One broken promise: the operation, the input that broke it, the status (-1: no answer) and what came back. */
  public record Violation(String operation, String input, int status, String what, String excerpt) {
    @Override
    public String toString() {
      return operation + " | " + input + " | " + (status < 0 ? "no answer" : status) + " | " + what
          + (excerpt.isEmpty() ? "" : " | " + excerpt);
    }
  }

  private final String service;
  private final List<Violation> violations = new ArrayList<>();
  private final Map<String, Integer> requests = new LinkedHashMap<>();

  FuzzFindings(String service) {
    this.service = service;
  }

  /**
   * Checks one answer: below 500 and no stack trace or exception name in the body ({@code sent}: what the request
   * carried, so that an input echoed back is not taken for a leak).
   */
  void response(String operation, String input, int status, String body, String sent) {
    requests.merge(operation, 1, Integer::sum);
    if (status >= 500) {
      add(operation, input, status, "server error", body);
    }
    var leak = LEAK.matcher(body == null ? "" : body);
    while (leak.find()) {
      if (!sent.contains(leak.group())) {
        add(operation, input, status, "stack trace or exception name in response (" + leak.group() + ")", body);
        break;
      }
    }
  }

  /** A request that got no HTTP answer at all (timeout, connection reset). */
  void noAnswer(String operation, String input, Throwable error) {
    requests.merge(operation, 1, Integer::sum);
    add(operation, input, -1, "no answer: " + error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
  }

  void add(String operation, String input, int status, String what, String body) {
    violations.add(new Violation(operation, input, status, what, excerpt(body)));
  }

  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  public int requestCount() {
    return requests.values().stream().mapToInt(Integer::intValue).sum();
  }

  public int operationCount() {
    return requests.size();
  }

  /** A readable report: counts, then every violation grouped by operation. */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append(service).append(": ").append(violations.size()).append(" violation(s) in ").append(requestCount())
        .append(" request(s) over ").append(operationCount()).append(" operation(s)\n");
    Map<String, List<Violation>> byOperation = new LinkedHashMap<>();
    violations.forEach(v -> byOperation.computeIfAbsent(v.operation(), k -> new ArrayList<>()).add(v));
    byOperation.forEach((op, list) -> {
      b.append("  ").append(op).append(" (").append(list.size()).append(")\n");
      list.forEach(v -> b.append("    ").append(v.input()).append(" -> ").append(v.status() < 0 ? "no answer" : v.status())
          .append(": ").append(v.what()).append(v.excerpt().isEmpty() ? "" : " | " + v.excerpt()).append('\n'));
    });
    return b.toString();
  }

  /** Fails with the whole report when anything was found. */
  public void assertNone() {
    if (!violations.isEmpty()) {
      throw new AssertionError(report());
    }
  }

  static String excerpt(String body) {
    if (body == null) {
      return "";
    }
    String flat = body.length() > 400 ? body.substring(0, 400) : body;
    StringBuilder b = new StringBuilder();
    flat.codePoints().limit(200).forEach(c -> {
      if (c == '\n' || c == '\r' || c == '\t') {
        b.append(' ');
      } else if (Character.isISOControl(c) || Character.isSurrogate((char) c)) {
        b.append(String.format("\\u%04X", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString().strip();
  }
}
