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
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An owner shares a RUNNING session with another user (a member of the same proposal: the PDP must let them
 * {@code analyse} every dataset of the session, checked at once and on every access) or through an invitation link
 * (its token returned once, stored only as a SHA-256; whoever redeems it while it is in force gets a share of its
 * mode and expiry, PDP-checked likewise); lists and revokes shares (revoking an invitation revokes the shares
 * redeemed from it); reads the access log. Only the owner manages a session's shares; a session without datasets
 * cannot be shared (the PDP would have nothing to check membership against).
 */
public final class Sharing {
  private static final Logger LOG = LoggerFactory.getLogger(Sharing.class);

  private final BrokerStore sessions;
  private final AccessStore store;
  private final AccessCheck pdp;
  private final AccessGate gate;
  private final Clock clock;

  /** A new share; {@code invitationToken} only for an invitation, given this once. */
  public record Created(Share share, Optional<String> invitationToken) {}

  public Sharing(BrokerStore sessions, AccessStore store, AccessCheck pdp, AccessGate gate, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.store = Objects.requireNonNull(store, "store");
    this.pdp = Objects.requireNonNull(pdp, "pdp");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<Created> share(Caller owner, String sessionId, ShareRequest request) {
    return own(owner, sessionId).compose(s -> {
      Instant now = clock.instant();
      if (s.state() != SessionState.RUNNING) {
        return Future.failedFuture(new AccessException(AccessException.Kind.CONFLICT, "not-running",
            "Session " + s.id() + " is " + s.state() + ": only a RUNNING session can be shared."));
      }
      if (s.datasets().isEmpty()) {
        return Future.failedFuture(new AccessException(AccessException.Kind.CONFLICT, "no-datasets",
            "Session " + s.id() + " has no datasets: sharing is for members of the proposal of its data, which the "
                + "PDP checks through them."));
      }
      if (request.expiresAt().isPresent() && !request.expiresAt().get().isAfter(now)) {
        return Future.failedFuture(new AccessException(AccessException.Kind.INVALID, "/expiresAt",
            "must be in the future"));
      }
      if (request.user().isPresent() && request.user().get().equals(owner.user())) {
        return Future.failedFuture(new AccessException(AccessException.Kind.INVALID, "/user",
            "is you, the session's owner"));
      }
      Optional<Instant> until = request.expiresAt().map(e -> e.isAfter(s.expiresAt()) ? s.expiresAt() : e);
      if (request.user().isEmpty()) {
        String token = Tokens.token();
        Share invitation = new Share(Tokens.id("sh"), s.id(), Optional.empty(), Optional.of(Tokens.sha256(token)),
            Optional.empty(), request.mode(), owner.user(), now, Optional.of(until.orElse(s.expiresAt())),
            Optional.empty());
        return store.putShare(invitation).map(x -> new Created(x, Optional.of(token)));
      }
      String user = request.user().get();
      Caller grantee = new Caller(user, false, false, java.util.Set.of(), java.util.Set.of(), Optional.empty(),
          Optional.empty());
      return permitted(s, grantee).compose(ok -> store.shares(s.id())).compose(all -> {
        // one share per user: a new one replaces what was in force
        Future<Integer> replaced = Future.succeededFuture(0);
        for (Share old : all) {
          if (old.grantee().equals(Optional.of(user)) && old.activeAt(now)) {
            replaced = replaced.compose(n -> store.revoke(s.id(), old.id(), now));
          }
        }
        Share share = new Share(Tokens.id("sh"), s.id(), Optional.of(user), Optional.empty(), Optional.empty(),
            request.mode(), owner.user(), now, until, Optional.empty());
        return replaced.compose(n -> store.putShare(share)).map(x -> {
          gate.forget(s.id());
          LOG.info("session {}: shared {} with {} ({})", s.id(), share.mode(), user, share.id());
          return new Created(x, Optional.empty());
        });
      });
    });
  }

  /** The PDP must let {@code grantee} analyse every dataset of the session. */
  private Future<Void> permitted(Session s, Caller grantee) {
    return pdp.firstDenied(grantee, s.datasets()).recover(e -> Future.failedFuture(new AccessException(
        AccessException.Kind.UNAVAILABLE, "pdp-unavailable", "The policy decision point could not be asked whether "
            + grantee.user() + " may analyse this session's datasets; try again later."))).compose(d -> {
              if (d.isPresent()) {
                return Future.failedFuture(new AccessException(AccessException.Kind.FORBIDDEN, "dataset-forbidden",
                    grantee.user() + " may not analyse dataset " + d.get().dataset() + " of session " + s.id()
                        + ", so it cannot be shared with them."));
              }
              return Future.succeededFuture();
            });
  }

  /** Redeems an invitation token: the caller gets a share of the invitation's mode and expiry. */
  public Future<Share> redeem(Caller caller, String token) {
    Instant now = clock.instant();
    return store.invitation(Tokens.sha256(token)).compose(found -> {
      if (found.isEmpty() || !found.get().activeAt(now)) {
        return Future.failedFuture(new AccessException(AccessException.Kind.NOT_FOUND, "no-invitation",
            "This invitation is unknown, expired or revoked."));
      }
      Share inv = found.get();
      return sessions.get(inv.sessionId()).compose(o -> {
        Session s = o.orElse(null);
        if (s == null || s.state() != SessionState.RUNNING) {
          return Future.failedFuture(s == null ? new AccessException(AccessException.Kind.NOT_FOUND, "no-session",
              "The invitation's session no longer exists.") : AccessGate.notRunning(s));
        }
        if (s.owner().equals(caller.user())) {
          return Future.failedFuture(new AccessException(AccessException.Kind.INVALID, "/token",
              "invites others to your own session"));
        }
        return permitted(s, caller).recover(e -> {
          if (e instanceof AccessException a && a.kind() == AccessException.Kind.FORBIDDEN) {
            return store.log(new AccessRecord(s.id(), caller.user(), Optional.of(inv.id()), false,
                "invitation refused: " + a.getMessage(), now)).compose(x -> Future.failedFuture(e));
          }
          return Future.failedFuture(e);
        }).compose(ok -> store.shares(s.id())).compose(all -> {
          Optional<Share> existing = all.stream().filter(x -> x.grantee().equals(Optional.of(caller.user()))
              && inv.id().equals(x.via().orElse("")) && x.activeAt(now)).findFirst();
          if (existing.isPresent()) {
            return Future.succeededFuture(existing.get());
          }
          Share share = new Share(Tokens.id("sh"), s.id(), Optional.of(caller.user()), Optional.empty(),
              Optional.of(inv.id()), inv.mode(), inv.createdBy(), now, inv.expiresAt(), Optional.empty());
          return store.putShare(share).compose(x -> store.log(new AccessRecord(s.id(), caller.user(),
              Optional.of(inv.id()), true, "invitation redeemed as share " + x.id(), now)).map(y -> x));
        });
      });
    });
  }

  public Future<List<Share>> list(Caller owner, String sessionId) {
    return own(owner, sessionId).compose(s -> store.shares(s.id()));
  }

  public Future<Void> revoke(Caller owner, String sessionId, String shareId) {
    return own(owner, sessionId).compose(s -> store.revoke(s.id(), shareId, clock.instant())).compose(n -> {
      gate.forget(sessionId);
      if (n == 0) {
        return Future.failedFuture(new AccessException(AccessException.Kind.NOT_FOUND, "no-share",
            "Session " + sessionId + " has no share " + shareId + " in force."));
      }
      LOG.info("session {}: revoked share {} ({} in force)", sessionId, shareId, n);
      return Future.succeededFuture();
    });
  }

  public Future<List<AccessRecord>> accessLog(Caller owner, String sessionId) {
    return own(owner, sessionId).compose(s -> store.accessLog(s.id()));
  }

  private Future<Session> own(Caller caller, String sessionId) {
    return sessions.get(sessionId).compose(s -> {
      if (s.isEmpty() || !s.get().owner().equals(caller.user())) {
        return Future.failedFuture(new AccessException(AccessException.Kind.NOT_FOUND, "no-session",
            "There is no session " + sessionId + " of yours."));
      }
      return Future.succeededFuture(s.get());
    });
  }
}
