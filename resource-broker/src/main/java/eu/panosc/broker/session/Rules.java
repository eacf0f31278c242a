package eu.panosc.broker.session;

import eu.panosc.broker.model.Limits;
import eu.panosc.broker.model.Quota;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The limits the service applies: per role (users, staff), the aggregate quota of every proposal, and how long a
 * session may take to become ready.
 */
public record Rules(Limits user, Limits staff, Optional<Quota.ProposalQuota> proposalQuota, Duration startTimeout) {
  public Rules {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(staff, "staff");
    Objects.requireNonNull(proposalQuota, "proposalQuota");
    Objects.requireNonNull(startTimeout, "startTimeout");
  }

  public static Rules defaults() {
    return new Rules(Limits.USER_DEFAULT, Limits.STAFF_DEFAULT, Optional.empty(), Duration.ofMinutes(5));
  }
}
