package eu.panosc.platform.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception type of our own REST APIs; the failure handler renders it as problem+json.
 * Protocol endpoints (OAuth, AuthZEN, SAML) use their own {@link ProtocolError} instead.
 */
public final class ApiException extends RuntimeException {
  private final transient Problem problem;

  public ApiException(Problem problem) {
    super(problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()), null, false, false);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  public Problem problem() {
    return problem;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(new Problem(Problem.TYPE_BASE + "bad-request", "Bad Request", 400, detail, Map.of()));
  }

  /** A validation error naming the offending field (a JSON pointer or parameter name). */
  public static ApiException invalidField(String field, String reason) {
    return new ApiException(new Problem(Problem.TYPE_BASE + "validation", "Invalid request", 400,
        field + ": " + reason, Map.of("errors", List.of(Map.of("field", field, "reason", reason)))));
  }

  public static ApiException notFound(String detail) {
    return new ApiException(Problem.of(404, "Not Found", detail));
  }

  public static ApiException conflict(String detail) {
    return new ApiException(new Problem(Problem.TYPE_BASE + "conflict", "Conflict", 409, detail, Map.of()));
  }

  public static ApiException unavailable(String detail) {
    return new ApiException(Problem.of(503, "Service Unavailable", detail));
  }
}
