package eu.panosc.pdp.log;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import java.time.Instant;
import java.util.UUID;

/**
 * One decision as it waits in memory to be written, still unmasked: the request and decision objects
 * are referenced, not copied, so recording costs the decision path one small allocation. Masking and
 * JSON conversion happen when the row is written ({@link LogRows}).
 *
 * @param id the {@code context.id} the caller saw
 * @param at when it was decided (microseconds, as PostgreSQL stores it)
 * @param kind {@code evaluation}, {@code evaluations}, {@code search/subject}, {@code search/resource}, {@code search/action}
 * @param item position in an evaluations request, else null
 * @param caller client_id of the bearer token, or null
 * @param requestId the X-Request-ID answered, or null
 * @param request the request, null for an evaluations item that could not be parsed
 * @param decision the decision, null for a search
 * @param search the search summary, null for a decision
 * @param simulated decided at the caller's {@code context.time} (scope {@code pdp:simulate}), not the PDP's clock
 */
public record LogEntry(UUID id, Instant at, String kind, Integer item, String caller, String requestId,
    AccessRequest request, Decision decision, SearchSummary search, boolean simulated) {

  /** An entry decided at the PDP's own clock. */
  public LogEntry(UUID id, Instant at, String kind, Integer item, String caller, String requestId,
      AccessRequest request, Decision decision, SearchSummary search) {
    this(id, at, kind, item, caller, requestId, request, decision, search, false);
  }

  /** What a search answered: how many results on this page, and whether more pages follow. */
  public record SearchSummary(int count, boolean more) {}
}
