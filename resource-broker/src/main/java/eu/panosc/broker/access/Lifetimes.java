package eu.panosc.broker.access;

import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Limits;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.session.BrokerException;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Extends a session's lifetime: its owner (or an administrator) moves {@code expiresAt} to the requested instant, or
 * without one to now plus the role's lifetime (14 days for users, 60 for staff by default). A session may never be
 * set to end later than now plus the role's lifetime (409 naming the limit), nor earlier than it already ends (400);
 * only a session that has not begun to stop can be extended (409).
 */
public final class Lifetimes {
  private final SessionService sessions;
  private final BrokerStore store;
  private final Clock clock;

  public Lifetimes(SessionService sessions, BrokerStore store, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<Session> extend(Caller caller, String id, Optional<Instant> requested) {
    return sessions.get(caller, id).recover(e -> Future.failedFuture(e instanceof BrokerException b
        && b.kind() == BrokerException.Kind.NOT_FOUND ? new AccessException(AccessException.Kind.NOT_FOUND,
            "no-session", b.getMessage()) : e)).compose(s -> {
      if (!s.state().active() || s.state() == SessionState.STOPPING) {
        return Future.failedFuture(new AccessException(AccessException.Kind.CONFLICT, "not-active",
            "Session " + id + " is " + s.state() + ": only a session that is not stopping can be extended."));
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      Limits limits = sessions.limits(caller);
      String limit = (caller.staff() ? "staff" : "user") + ".lifetime";
      Instant max = now.plus(limits.lifetime());
      Instant target = requested.map(r -> r.truncatedTo(ChronoUnit.MICROS)).orElse(max);
      if (target.isAfter(max)) {
        return Future.failedFuture(new AccessException(AccessException.Kind.CONFLICT, limit,
            "A session may end at most " + limits.lifetime().toDays() + " days from now (" + limit + "), at " + max
                + "; " + target + " is later."));
      }
      if (requested.isPresent() && target.isBefore(s.expiresAt())) {
        return Future.failedFuture(new AccessException(AccessException.Kind.INVALID, "/expiresAt",
            "is before the session's current end " + s.expiresAt() + "; extending cannot shorten a session"));
      }
      Instant next = target.isBefore(s.expiresAt()) ? s.expiresAt() : target;
      return store.update(id, x -> x.state().active() && x.state() != SessionState.STOPPING
          ? new Session(x.id(), x.owner(), x.proposal(), x.datasets(), x.flavour(), x.image(), x.resources(),
              x.cluster(), x.state(), x.url(), x.placement(), x.failure(), x.secretHash(), x.created(), x.updated(),
              next, x.lastActivity()) : x).map(Optional::orElseThrow);
    });
  }
}
