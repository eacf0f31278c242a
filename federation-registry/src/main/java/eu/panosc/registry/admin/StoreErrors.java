package eu.panosc.registry.admin;

import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.Problem;
import eu.panosc.registry.federation.FeedUnavailableException;
import eu.panosc.registry.store.StoreException;
import java.util.Map;

/**
 * The registry's domain refusals as HTTP problems (problem+json through the platform's failure handler): the store's
 * {@link StoreException}s by reason, and an upstream feed that could not be fetched as 503. An
 * {@code InvalidInputException} passes unchanged (the failure handler answers 400 naming the field).
 */
final class StoreErrors {
  private StoreErrors() {}

  /** {@code failure} as the HTTP error it means: a domain refusal mapped, anything else as is. */
  static Throwable http(Throwable failure) {
    if (failure instanceof FeedUnavailableException e) {
      return ApiException.unavailable(e.getMessage());
    }
    if (!(failure instanceof StoreException e)) {
      return failure;
    }
    return switch (e.reason()) {
      case NOT_FOUND -> ApiException.notFound(e.getMessage());
      case CONFLICT -> ApiException.conflict(e.getMessage());
      case INVALID_FIELD -> ApiException.invalidField(e.field(), e.getMessage());
      // RFC 9110 §13.1.1: If-Match names a version that is not the current one
      case STALE_VERSION -> new ApiException(new Problem(Problem.TYPE_BASE + "stale-version", "Precondition Failed",
          412, e.getMessage(), Map.of("currentVersion", e.currentVersion())));
    };
  }
}
