package eu.panosc.broker.access;

import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Share;
import eu.panosc.broker.session.AccessCheck;
import eu.panosc.broker.store.AccessStore;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every request or connection to a session (the proxy, forward-auth, launch links), whether the caller
 * may reach it now: the session must exist and be RUNNING; its owner may; anyone else only through a share in force
 * whose mode allows the intent, and only while the PDP answers that they may {@code analyse} every dataset of the
 * session. Every decision on a shared access is written to the access log and logged as a structured line.
 *
 * <p>To keep the proxy's overhead small a session read from the store is remembered until its next event
 * ({@link #forget}, which every state change calls: this replica's own, and other replicas' through the session feed,
 * which catches up after a lost connection), at most {@link #SESSION_TTL} as a safety net; so a request to a session
 * costs no database read. A read that a {@link #forget} overtook is not remembered. A sharee's granted decision is
 * reused for {@link #SHARE_TTL}; revoking on this replica takes effect at once, on another replica within
 * {@link #SHARE_TTL}.
 */
public final class AccessGate {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("eu.panosc.broker.share-access");
  static final Duration SESSION_TTL = Duration.ofSeconds(30);
  static final Duration SHARE_TTL = Duration.ofSeconds(30);
  private static final int MAX_CACHED = 10_000;

  private final BrokerStore sessions;
  private final AccessStore shares;
  private final AccessCheck pdp;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Decided> decisions = new ConcurrentHashMap<>();
  /** Counts {@link #forget} calls: a session read that one overtook may be stale and is not remembered. */
  private final java.util.concurrent.atomic.AtomicLong forgets = new java.util.concurrent.atomic.AtomicLong();

  private record Cached(Session session, Instant until) {}

  private record Decided(Share share, Instant until) {}

  public AccessGate(BrokerStore sessions, AccessStore shares, AccessCheck pdp, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.shares = Objects.requireNonNull(shares, "shares");
    this.pdp = Objects.requireNonNull(pdp, "pdp");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code caller} may reach session {@code id} now with {@code intent}; fails with an {@link AccessException}. */
  public Future<Grant> check(Caller caller, String id, Intent intent) {
    return session(id).compose(s -> {
      if (s.state() != SessionState.RUNNING) {
        return Future.failedFuture(notRunning(s));
      }
      if (s.owner().equals(caller.user())) {
        return Future.succeededFuture(new Grant(s, caller.user(), Share.Mode.INTERACTIVE, Optional.empty()));
      }
      return shared(caller, s, intent);
    });
  }

  /** Drops what is remembered about the session (its state changed, or a share was revoked). */
  public void forget(String sessionId) {
    forgets.incrementAndGet();
    cache.remove(sessionId);
    decisions.keySet().removeIf(k -> k.startsWith(sessionId + "\n"));
  }

  static AccessException notRunning(Session s) {
    if (s.state().active()) {
      return new AccessException(AccessException.Kind.CONFLICT, "not-running", "Session " + s.id() + " is "
          + s.state() + ": it can be reached once it is RUNNING; try again shortly.");
    }
    return new AccessException(AccessException.Kind.NOT_FOUND, "ended", "Session " + s.id() + " is " + s.state()
        + ": it can no longer be reached.");
  }

  private Future<Session> session(String id) {
    Instant now = clock.instant();
    Cached c = cache.get(id);
    if (c != null && now.isBefore(c.until())) {
      return Future.succeededFuture(c.session());
    }
    long forgotten = forgets.get();
    return sessions.get(id).compose(s -> {
      if (s.isEmpty()) {
        cache.remove(id);
        return Future.failedFuture(new AccessException(AccessException.Kind.NOT_FOUND, "no-session",
            "There is no session " + id + "."));
      }
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      if (forgets.get() == forgotten) {
        cache.put(id, new Cached(s.get(), now.plus(SESSION_TTL)));
      }
      return Future.succeededFuture(s.get());
    });
  }

  private Future<Grant> shared(Caller caller, Session s, Intent intent) {
    Instant now = clock.instant();
    String key = s.id() + "\n" + caller.user();
    Decided d = decisions.get(key);
    if (d != null && now.isBefore(d.until())) {
      return Future.succeededFuture(d.share()).compose(share -> mode(caller, s, share, intent));
    }
    return shares.shares(s.id()).compose(all -> {
      // a share names the user as the broker sees them (the token's sub) or by their canonical id (voperson_id)
      Optional<Share> share = all.stream().filter(x -> x.activeAt(now) && x.grantee().isPresent()
          && (x.grantee().get().equals(caller.user()) || x.grantee().equals(caller.canonical())))
          .reduce((a, b) -> b);
      if (share.isEmpty()) {
        return Future.failedFuture(new AccessException(AccessException.Kind.FORBIDDEN, "not-shared",
            "Session " + s.id() + " is not yours and is not shared with you."));
      }
      Future<Optional<AccessCheck.Denial>> asked = s.datasets().isEmpty()
          ? Future.succeededFuture(Optional.empty()) : pdp.firstDenied(caller, s.datasets());
      return asked.recover(e -> record(s, caller, share.get(), false, "the PDP could not be asked: " + e.getMessage())
          .compose(x -> Future.failedFuture(new AccessException(AccessException.Kind.UNAVAILABLE, "pdp-unavailable",
              "The policy decision point could not be asked whether you may analyse this session's datasets; try "
                  + "again later."))))
          .compose(denied -> {
            if (denied.isPresent()) {
              String why = "the PDP refused analyse on " + denied.get().dataset()
                  + (denied.get().reason().isBlank() ? "" : ": " + denied.get().reason());
              return record(s, caller, share.get(), false, why).compose(x -> Future.failedFuture(new AccessException(
                  AccessException.Kind.FORBIDDEN, "dataset-forbidden", "Session " + s.id() + " is shared with you, "
                      + "but you may not analyse its dataset " + denied.get().dataset() + ".")));
            }
            if (decisions.size() >= MAX_CACHED) {
              decisions.clear();
            }
            decisions.put(key, new Decided(share.get(), now.plus(SHARE_TTL)));
            return record(s, caller, share.get(), true, "shared " + share.get().mode() + "; the PDP permits analyse on "
                + s.datasets().size() + " dataset(s)").compose(x -> mode(caller, s, share.get(), intent));
          });
    });
  }

  private static Future<Grant> mode(Caller caller, Session s, Share share, Intent intent) {
    if (share.mode() == Share.Mode.READ_ONLY && intent == Intent.INTERACT) {
      return Future.failedFuture(new AccessException(AccessException.Kind.FORBIDDEN, "read-only-share",
          "Session " + s.id() + " is shared with you read-only: only GET, HEAD and OPTIONS requests, no WebSocket."));
    }
    return Future.succeededFuture(new Grant(s, caller.user(), share.mode(), Optional.of(share.id())));
  }

  private Future<Void> record(Session s, Caller caller, Share share, boolean granted, String reason) {
    ACCESS.info("shared-access session={} user={} share={} granted={} reason=\"{}\"", s.id(), caller.user(),
        share.id(), granted, reason.replace('"', '\''));
    return shares.log(new AccessRecord(s.id(), caller.user(), Optional.of(share.id()), granted, reason,
        clock.instant())).recover(e -> {
          LOG.warn("session {}: the access log could not be written: {}", s.id(), e.getMessage());
          return Future.succeededFuture();
        });
  }
}
