package eu.panosc.pdp.policy;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** The accepted versions of each facility's policy. */
public interface PolicyStore {
  /** Stores {@code source} as the next version for {@code facility} and returns that version number. */
  Future<Integer> add(String facility, String file, String source);

  /** The newest version of each facility's policy. */
  Future<List<StoredPolicy>> latest();

  /** The newest version number of each facility's policy (cheap: what a replica polls). */
  Future<java.util.Map<String, Integer>> versions();

  /** Every version of {@code facility}'s policy, newest first. */
  Future<List<StoredPolicy>> history(String facility);

  /** One stored version. */
  record StoredPolicy(String facility, int version, String file, String source, Instant createdAt) {}
}
