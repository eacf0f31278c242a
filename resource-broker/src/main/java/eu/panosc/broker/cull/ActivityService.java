package eu.panosc.broker.cull;

import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Activity reports a session sends about itself, authenticated with its access secret (only the session knows it):
 * recorded for the culler. Instants in the future are taken as now.
 */
public final class ActivityService {
  private final BrokerStore sessions;
  private final LifecycleStore store;
  private final Clock clock;

  public ActivityService(BrokerStore sessions, LifecycleStore store, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records {@code report} for session {@code id} if {@code secret} is its access secret; fails with a
   * {@link Refused}: UNAUTHENTICATED for an unknown session or a wrong secret (the same answer, so ids cannot be
   * probed), NOT_RUNNING when the session is not RUNNING.
   */
  public Future<Void> report(String id, String secret, ActivityReport report) {
    return sessions.get(id).compose(o -> {
      if (o.isEmpty() || !SessionService.secretMatches(o.get(), secret)) {
        return Future.failedFuture(new Refused(Refused.Kind.UNAUTHENTICATED,
            "The access secret does not match a session; send the session's own accessSecret as bearer token."));
      }
      if (o.get().state() != SessionState.RUNNING) {
        return Future.failedFuture(new Refused(Refused.Kind.NOT_RUNNING, "Session " + id + " is " + o.get().state()
            + "; activity is recorded only for a RUNNING session."));
      }
      Instant now = clock.instant();
      ActivityReport clamped = new ActivityReport(report.kernelLastActivity().map(t -> t.isAfter(now) ? now : t),
          report.kernelBusy(), report.desktopLastInput().map(t -> t.isAfter(now) ? now : t), report.gpuUtilisation());
      return store.report(id, clamped, now);
    });
  }

  /** A refused report. */
  public static final class Refused extends RuntimeException {
    /** Why. */
    public enum Kind { UNAUTHENTICATED, NOT_RUNNING }

    private final Kind kind;

    Refused(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }
}
