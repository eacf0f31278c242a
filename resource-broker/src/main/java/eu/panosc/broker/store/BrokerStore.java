package eu.panosc.broker.store;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Session;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the broker keeps its catalogue (flavours, images) and its sessions. Every implementation passes
 * {@code BrokerStoreContract}.
 */
public interface BrokerStore {
  /** Inserts or replaces a flavour. */
  Future<Void> putFlavour(Flavour flavour);

  /** Every flavour, ordered by id. */
  Future<List<Flavour>> flavours();

  /** Inserts or replaces an image. */
  Future<Void> putImage(Image image);

  /** Every image, ordered by id. */
  Future<List<Image>> images();

  /**
   * Inserts a new session unless that would exceed {@code quota}: the check and the insert are atomic against
   * every other {@code create}, so concurrent creates never exceed it. Fails with
   * {@link eu.panosc.broker.model.QuotaExceededException} naming the limit.
   */
  Future<Session> create(Session session, Quota quota);

  Future<Optional<Session>> get(String id);

  /** Sessions of {@code owner} (every session when empty), newest first. */
  Future<List<Session>> list(Optional<String> owner);

  /** Sessions in an active state (not STOPPED or FAILED), oldest first. */
  Future<List<Session>> active();

  /**
   * Applies {@code updater} to the current session and stores its answer, atomically (no other update of the
   * session interleaves). An updater answering its argument unchanged writes nothing. Empty if there is no such
   * session. {@code lastActivity} never goes back: the stored one is the later of the current and the updater's, so an
   * update never loses activity recorded by {@link #touch} (answers the session as stored).
   */
  Future<Optional<Session>> update(String id, UnaryOperator<Session> updater);

  /**
   * Records activity (e.g. proxied traffic): each session's {@code lastActivity} becomes the later of its stored
   * value and the given instant; unknown sessions are skipped. The idle culler reads {@code lastActivity}.
   */
  Future<Void> touch(java.util.Map<String, java.time.Instant> lastSeen);

  /**
   * Places session {@code id} on {@code cluster} atomically against every other placement there: applies
   * {@code placed} (which sets the cluster) only if the resources of the cluster's other active sessions plus this
   * session's fit {@code capacity} in every dimension; concurrent reservations on one cluster are serialised, so a
   * cluster is never overbooked. Answers the placed session; empty when it does not fit (or there is no session).
   */
  Future<Optional<Session>> reserve(String id, String cluster, eu.panosc.broker.model.Resources capacity,
      UnaryOperator<Session> placed);

  /**
   * Per cluster, the resources its active sessions hold (what placement scores against), without reading every
   * session; clusters holding none are absent.
   */
  Future<java.util.Map<String, eu.panosc.broker.model.Resources>> usedByCluster();
}
