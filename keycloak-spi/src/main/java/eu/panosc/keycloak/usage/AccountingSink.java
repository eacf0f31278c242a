package eu.panosc.keycloak.usage;

import java.util.List;

/** Where batches of usage record lines go (metrics-accounting's ingest API in production). */
public interface AccountingSink {

  /** The outcome of sending one batch. */
  enum Outcome {
    /** committed by accounting (new or duplicates): acknowledge */
    ACCEPTED,
    /** refused as invalid: keep aside, never retry */
    REJECTED,
    /** not delivered (outage, 5xx, token failure): retry later */
    RETRY
  }

  record Result(Outcome outcome, String detail) {}

  Result send(List<String> ndjsonLines);
}
