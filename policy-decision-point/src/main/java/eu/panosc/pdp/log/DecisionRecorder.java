package eu.panosc.pdp.log;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What the AuthZEN service calls for every answer: gives the decision its id (the {@code context.id}
 * the caller sees, a UUIDv7) and hands the entry, with the caller's client_id and the answered
 * X-Request-ID ({@link Caller}), to the log. Costs the decision path an id, a timestamp and a queue offer; when the log
 * is disabled only the id. Every decision (not search pages) is counted in {@value #METER}, log or no log.
 */
public final class DecisionRecorder {
  /** Decisions answered, by {@code decision}: {@code permit}, {@code deny}, {@code error} (a deny that could not be evaluated). */
  public static final String METER = "panosc_pdp_decisions_total";

  private final Clock clock;
  private final Consumer<LogEntry> sink;
  private final Counter permits;
  private final Counter denies;
  private final Counter errors;

  public DecisionRecorder(Clock clock, Consumer<LogEntry> sink) {
    this(clock, sink, null);
  }

  /** As above, counting decisions in {@code meters} (none counted when null). */
  public DecisionRecorder(Clock clock, Consumer<LogEntry> sink, MeterRegistry meters) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sink = sink;
    this.permits = meters == null ? null : meters.counter(METER, "decision", "permit");
    this.denies = meters == null ? null : meters.counter(METER, "decision", "deny");
    this.errors = meters == null ? null : meters.counter(METER, "decision", "error");
  }

  /**
   * Who asked, as the log keeps it: the token's {@code client_id} and the {@code X-Request-ID} the answer
   * carries (either may be null).
   */
  public record Caller(String clientId, String requestId) {}

  /** Ids only, nothing recorded. */
  public static DecisionRecorder disabled(Clock clock) {
    return new DecisionRecorder(clock, null);
  }

  /** Ids only, nothing recorded, decisions counted in {@code meters}. */
  public static DecisionRecorder disabled(Clock clock, MeterRegistry meters) {
    return new DecisionRecorder(clock, null, meters);
  }

  /** An evaluation ({@code item} null) or an evaluations item; {@code request} null when the item could not be parsed. */
  public String decision(Caller caller, String kind, Integer item, AccessRequest request, Decision d) {
    if (permits != null && d != null) {
      (d.failed() ? errors : d.permit() ? permits : denies).increment();
    }
    return record(caller, kind, item, request, d, null);
  }

  /** A search page, as one entry: the request and how many results the page held. */
  public String search(Caller caller, String kind, AccessRequest request, int count, boolean more) {
    return record(caller, kind, null, request, null, new LogEntry.SearchSummary(count, more));
  }

  private String record(Caller caller, String kind, Integer item, AccessRequest request, Decision d,
      LogEntry.SearchSummary search) {
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    UUID id = DecisionIds.next(at);
    if (sink != null) {
      // the endpoint leaves context.time in a request only when it is honoured (scope pdp:simulate)
      boolean simulated = request != null && request.context().get("time") instanceof Instant;
      sink.accept(new LogEntry(id, at, kind, item, caller.clientId(), caller.requestId(), request, d, search, simulated));
    }
    return id.toString();
  }
}
