package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Metric;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable sent-ledger of the EOSC push, shared by every replica. A row is due while the value the service should
 * hold differs from the one it confirmed; replicas claim due rows for a lease, and only the claimant's outcome
 * counts, so a row is never sent by two replicas at once, and a sent value is never sent again.
 */
public interface EoscLedger {
  /**
   * Brings the desired values of the closed months {@code [since, closedBefore)} up to date from the monthly
   * rollups of the mapped installations and metrics (serialized across replicas). Returns the rows changed.
   */
  Future<Integer> refresh(Instant since, Instant closedBefore, Map<EoscSettings.Installation, String> installations,
      Map<Metric, String> metricDefinitions);

  /**
   * Claims up to {@code limit} due rows whose next attempt is due at {@code now} and that no live lease holds, for
   * {@code owner} until {@code leaseUntil}. A claimed row without a remote id is marked in flight until an outcome
   * is recorded.
   */
  Future<List<LedgerEntry>> claim(String owner, Instant now, Instant leaseUntil, int limit);

  /**
   * Records that the service holds {@code sent} for the row (and its id, if given); false when {@code owner} no
   * longer holds the claim.
   */
  Future<Boolean> confirm(LedgerEntry.Key key, String owner, BigDecimal sent, String remoteId, Instant now);

  /**
   * Records a failed attempt: the next one not before {@code nextAttempt}; {@code inFlight} when the service may
   * have stored the record anyway. False when {@code owner} no longer holds the claim.
   */
  Future<Boolean> fail(LedgerEntry.Key key, String owner, boolean inFlight, Instant nextAttempt, String error);

  /**
   * Records that the service no longer holds the row's record (a PATCH found no such id): it is posted again in
   * full. False when {@code owner} no longer holds the claim.
   */
  Future<Boolean> forget(LedgerEntry.Key key, String owner, String error);

  /** When the earliest due row can next be claimed, if any row is due. */
  Future<Optional<Instant>> nextDue();

  /** How many rows are due (not yet confirmed with their current value), for the backlog gauge. */
  Future<Long> backlog();

  /** Every row, for operators and tests. */
  Future<List<Row>> rows();

  /** A ledger row as stored. */
  record Row(LedgerEntry.Key key, BigDecimal desired, BigDecimal sent, String remoteId, boolean inFlight,
      int attempts, Instant nextAttemptAt, String lastError) {}
}
