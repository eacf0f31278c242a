package eu.panosc.broker.session;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** Whether a user may analyse datasets: the policy-decision-point's answer. */
public interface AccessCheck {
  /** The action the PDP's policies name for starting an analysis on a dataset. */
  String ACTION = "analyse";

  /**
   * The first of {@code datasets} that {@code caller} may not analyse, with the PDP's reason when it gave one; empty
   * when every one is permitted. Fails when the PDP cannot be asked.
   */
  Future<Optional<Denial>> firstDenied(eu.panosc.broker.model.Caller caller, List<String> datasets);

  /** A refused dataset and the reason the PDP gave (may be empty). */
  record Denial(String dataset, String reason) {}
}
