package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionRecorderTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
  static final DecisionRecorder.Caller CALLER = new DecisionRecorder.Caller("scicat-esrf", "req-1");
  static final AccessRequest REQUEST = new AccessRequest(new AccessRequest.Entity("user", "alice", Map.of()), "read",
      Map.of(), new AccessRequest.Entity("dataset", "10.15151/ESRF-DC-2415001", Map.of()), Map.of());

  static Decision decision(boolean permit, int errorStatus) {
    return new Decision(permit, "panosc-data", "member", "member", "ok", errorStatus, errorStatus == 0 ? null : "bad");
  }

  static double count(SimpleMeterRegistry meters, String decision) {
    return meters.get(DecisionRecorder.METER).tag("decision", decision).counter().count();
  }

  @Test
  void decisionWhenAnsweredThenCountedByOutcomeWithOrWithoutTheLog() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<LogEntry> logged = new ArrayList<>();
    DecisionRecorder logging = new DecisionRecorder(CLOCK, logged::add, meters);
    assertThat(count(meters, "permit")).isZero(); // exposed before the first decision
    logging.decision(CALLER, "evaluation", null, REQUEST, decision(true, 0));
    logging.decision(CALLER, "evaluations", 0, REQUEST, decision(false, 0));
    logging.decision(CALLER, "evaluations", 1, null, decision(false, 400));
    logging.search(CALLER, "resource", REQUEST, 3, false); // a search page is not a decision
    assertThat(logged).hasSize(4);
    assertThat(count(meters, "permit")).isEqualTo(1.0);
    assertThat(count(meters, "deny")).isEqualTo(1.0);
    assertThat(count(meters, "error")).isEqualTo(1.0);

    SimpleMeterRegistry quiet = new SimpleMeterRegistry();
    DecisionRecorder disabled = DecisionRecorder.disabled(CLOCK, quiet);
    assertThat(disabled.decision(CALLER, "evaluation", null, REQUEST, decision(true, 0))).isNotBlank();
    assertThat(count(quiet, "permit")).isEqualTo(1.0);
  }
}
