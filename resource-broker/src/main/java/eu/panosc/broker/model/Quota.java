package eu.panosc.broker.model;

import java.util.Optional;

/**
 * The limits one new session is checked against when it is inserted, atomically with the insert: the owner's
 * active sessions, and the aggregate of the proposal's active sessions (count, CPU cores, GPUs).
 */
public record Quota(int maxActivePerUser, Optional<ProposalQuota> proposal) {
  /**
   * Aggregate limits of one proposal over all its members' sessions: concurrent sessions, CPU cores and GPUs of
   * the active ones, and {@code coreHours} used so far by all of them (placed sessions, from creation to their end
   * or now; {@link Long#MAX_VALUE}: no limit).
   */
  public record ProposalQuota(int sessions, long cpu, long gpu, long coreHours) {
    /** Without a core-hour limit. */
    public ProposalQuota(int sessions, long cpu, long gpu) {
      this(sessions, cpu, gpu, Long.MAX_VALUE);
    }

    public boolean limitsCoreHours() {
      return coreHours != Long.MAX_VALUE;
    }
  }
}
