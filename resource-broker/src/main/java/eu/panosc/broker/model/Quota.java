package eu.panosc.broker.model;

import java.util.Optional;

/**
 * The limits one new session is checked against when it is inserted, atomically with the insert: the owner's
 * active sessions, and the aggregate of the proposal's active sessions (count, CPU cores, GPUs).
 */
public record Quota(int maxActivePerUser, Optional<ProposalQuota> proposal) {
  /** Aggregate limits of one proposal over all its members' active sessions. */
  public record ProposalQuota(int sessions, long cpu, long gpu) {}
}
