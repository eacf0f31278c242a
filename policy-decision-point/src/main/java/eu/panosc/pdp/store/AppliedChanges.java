package eu.panosc.pdp.store;

import io.vertx.core.Future;
import java.time.Duration;

/** How far this replica's relation cache has followed the change log (what a consistency token is checked against). */
public interface AppliedChanges {

  /** The number of the newest change batch the cache holds. */
  long applied();

  /** Completes with true once the cache holds batch {@code seq}, with false if it does not within {@code timeout}. */
  Future<Boolean> await(long seq, Duration timeout);
}
