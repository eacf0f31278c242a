package eu.panosc.broker.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An analysis session. {@code secretHash} is the SHA-256 (hex) of the per-session access secret; the secret itself
 * is never stored.
 *
 * @param resources what its flavour asked for when it was created (quotas and capacity count these)
 * @param cluster where it was placed, empty before placement
 * @param placement why it was placed there (or why nowhere), empty before placement
 * @param failure why it FAILED, else empty
 * @param expiresAt end of its lifetime
 * @param lastActivity the last time it was seen in use (creation for now)
 */
public record Session(String id, String owner, Optional<String> proposal, List<String> datasets, String flavour,
    String image, Resources resources, Optional<String> cluster, SessionState state, Optional<String> url,
    Optional<String> placement, Optional<String> failure, String secretHash, Instant created, Instant updated,
    Instant expiresAt, Instant lastActivity) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(proposal, "proposal");
    datasets = List.copyOf(datasets);
    Objects.requireNonNull(flavour, "flavour");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(secretHash, "secretHash");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(lastActivity, "lastActivity");
  }

  /** This session last seen in use at {@code at}, or at its own {@code lastActivity} if that is later (never back). */
  public Session activeAt(Instant at) {
    return at.isAfter(lastActivity) ? new Session(id, owner, proposal, datasets, flavour, image, resources, cluster,
        state, url, placement, failure, secretHash, created, updated, expiresAt, at) : this;
  }

  public Session withState(SessionState s, Instant now) {
    return new Session(id, owner, proposal, datasets, flavour, image, resources, cluster, s, url, placement, failure,
        secretHash, created, now, expiresAt, lastActivity);
  }

  public Session placed(String on, String reason, Instant now) {
    return new Session(id, owner, proposal, datasets, flavour, image, resources, Optional.of(on),
        SessionState.STARTING, url, Optional.of(reason), failure, secretHash, created, now, expiresAt, lastActivity);
  }

  public Session running(String at, Instant now) {
    return new Session(id, owner, proposal, datasets, flavour, image, resources, cluster, SessionState.RUNNING,
        Optional.of(at), placement, failure, secretHash, created, now, expiresAt, lastActivity);
  }

  public Session failed(String reason, Instant now) {
    return new Session(id, owner, proposal, datasets, flavour, image, resources, cluster, SessionState.FAILED,
        Optional.empty(), placement, Optional.of(reason), secretHash, created, now, expiresAt, lastActivity);
  }

  /** Placement found no cluster: FAILED with the placement's reason recorded as both. */
  public Session unplaceable(String reason, Instant now) {
    return new Session(id, owner, proposal, datasets, flavour, image, resources, cluster, SessionState.FAILED,
        Optional.empty(), Optional.of(reason), Optional.of(reason), secretHash, created, now, expiresAt,
        lastActivity);
  }
}
