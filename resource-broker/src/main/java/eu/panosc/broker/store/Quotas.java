package eu.panosc.broker.store;

import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.QuotaExceededException;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;

/** The quota rule both stores apply, given what is active now. */
final class Quotas {
  private Quotas() {}

  /**
   * Throws if {@code next} does not fit: {@code ownerActive} active sessions of its owner, and {@code proposalCount}
   * active sessions using {@code proposalUse} of its proposal.
   */
  static void check(Session next, Quota quota, long ownerActive, long proposalCount, Resources proposalUse) {
    if (ownerActive + 1 > quota.maxActivePerUser()) {
      throw new QuotaExceededException("user.maxActive", "You already have " + ownerActive
          + " active sessions; the limit (user.maxActive) is " + quota.maxActivePerUser()
          + ". Stop one before starting another.");
    }
    if (next.proposal().isPresent() && quota.proposal().isPresent()) {
      Quota.ProposalQuota q = quota.proposal().get();
      String p = next.proposal().get();
      if (proposalCount + 1 > q.sessions()) {
        throw new QuotaExceededException("proposal.sessions", "Proposal " + p + " already has " + proposalCount
            + " active sessions; its limit (proposal.sessions) is " + q.sessions() + ".");
      }
      if (proposalUse.cpu() + next.resources().cpu() > q.cpu()) {
        throw new QuotaExceededException("proposal.cpu", "Proposal " + p + " uses " + proposalUse.cpu()
            + " CPU cores; this session's " + next.resources().cpu() + " would exceed its limit (proposal.cpu) of "
            + q.cpu() + ".");
      }
      if (proposalUse.gpu() + next.resources().gpu() > q.gpu()) {
        throw new QuotaExceededException("proposal.gpu", "Proposal " + p + " uses " + proposalUse.gpu()
            + " GPUs; this session's " + next.resources().gpu() + " would exceed its limit (proposal.gpu) of "
            + q.gpu() + ".");
      }
    }
  }

  /**
   * Throws if the proposal of {@code next} has used up its core-hours: {@code usedCoreHours} by its sessions so far.
   * Future use is not known, so a session is refused only once the limit is reached.
   */
  static void checkCoreHours(Session next, Quota quota, double usedCoreHours) {
    if (next.proposal().isEmpty() || quota.proposal().isEmpty() || !quota.proposal().get().limitsCoreHours()) {
      return;
    }
    long limit = quota.proposal().get().coreHours();
    if (usedCoreHours >= limit) {
      throw new QuotaExceededException("proposal.coreHours", "Proposal " + next.proposal().get() + " has used "
          + String.format(java.util.Locale.ROOT, "%.1f", usedCoreHours) + " core-hours; its limit (proposal.coreHours)"
          + " is " + limit + ".");
    }
  }

  /** Core-hours {@code s} used up to {@code at} (from its creation to its end, or {@code at} while active). */
  static double coreHours(Session s, java.time.Instant at) {
    if (s.cluster().isEmpty()) {
      return 0;
    }
    java.time.Instant end = s.state().active() ? at : s.updated();
    long ms = Math.max(0, java.time.Duration.between(s.created(), end).toMillis());
    return s.resources().cpu() * ms / 3_600_000.0;
  }

  /** Whether {@code next} fits beside {@code used} within {@code capacity}, in every dimension. */
  static boolean fits(Resources used, Resources next, Resources capacity) {
    return used.cpu() + next.cpu() <= capacity.cpu() && used.memoryMi() + next.memoryMi() <= capacity.memoryMi()
        && used.gpu() + next.gpu() <= capacity.gpu();
  }
}
