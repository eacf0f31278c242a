package eu.panosc.broker.cull;

import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.session.SessionService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions that are idle or past their lifetime, warning first (VISA's practice): a lifetime warning 48 h and
 * again 24 h before {@code expiresAt}; an idle warning 24 h before the inactivity limit is reached; then the session
 * is stopped with a CULLED or EXPIRED notice. A RUNNING session counts as used at the latest of its proxied traffic
 * ({@code lastActivity}), the moment it last changed state, and what it reported ({@link Activity#lastActive}: kernel
 * activity, a kernel busy at the last report, desktop input, GPU use). Sessions not yet RUNNING are never culled as
 * idle. Runs as part of the reconciler's pass, so under the same leader election.
 */
public final class Culler {
  private static final Logger LOG = LoggerFactory.getLogger(Culler.class);
  /** Lifetime warnings, hours before the end (VISA: 48 h and 24 h). */
  static final List<Integer> LIFETIME_LEADS = List.of(24, 48);
  /** The idle warning, hours before the cull. */
  static final int IDLE_LEAD = 24;
  /** Who stops culled and expired sessions. */
  static final Caller SYSTEM = new Caller("resource-broker.culler", true, true, java.util.Set.of(), java.util.Set.of());

  private final SessionService sessions;
  private final LifecycleStore store;
  private final Clock clock;

  /** What one sweep did. */
  public record Sweep(int warned, int culled, int expired) {}

  public Culler(SessionService sessions, LifecycleStore store, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One sweep over the active sessions. */
  public Future<Sweep> sweep() {
    return sessions.active().compose(active -> store.activity(active.stream().map(Session::id).toList())
        .compose(activity -> {
          Future<Sweep> chain = Future.succeededFuture(new Sweep(0, 0, 0));
          for (Session s : active) {
            chain = chain.compose(total -> one(s, Optional.ofNullable(activity.get(s.id()))).map(d ->
                new Sweep(total.warned() + d.warned(), total.culled() + d.culled(), total.expired() + d.expired()))
                .recover(e -> {
                  LOG.warn("session {}: culling check failed: {}", s.id(), e.getMessage());
                  return Future.succeededFuture(total);
                }));
          }
          return chain;
        }));
  }

  private Future<Sweep> one(Session s, Optional<Activity> activity) {
    Instant now = clock.instant();
    if (s.state() == SessionState.STOPPING) {
      return Future.succeededFuture(new Sweep(0, 0, 0));
    }
    if (!now.isBefore(s.expiresAt())) {
      return store.notify(new Notice(s.id(), Notice.Kind.EXPIRED, s.expiresAt(), 0, now,
          "Stopped: its lifetime ended at " + s.expiresAt() + ".")).compose(x -> stop(s, "lifetime ended"))
          .map(new Sweep(0, 0, 1));
    }
    Future<Integer> warned = Future.succeededFuture(0);
    Optional<Integer> lead = LIFETIME_LEADS.stream().filter(h -> !now.isBefore(s.expiresAt().minus(Duration.ofHours(h))))
        .findFirst();
    if (lead.isPresent()) {
      warned = store.notify(new Notice(s.id(), Notice.Kind.LIFETIME_WARNING, s.expiresAt(), lead.get(), now,
          "This session ends at " + s.expiresAt() + " (in less than " + lead.get() + " h), when its lifetime ends; "
              + "save your work or extend it.")).map(n -> n ? 1 : 0);
    }
    if (s.state() != SessionState.RUNNING) {
      return warned.map(w -> new Sweep(w, 0, 0));
    }
    Duration inactivity = activity.map(Activity::inactivity).orElse(InMemoryLifecycleStore.DEFAULT_INACTIVITY);
    Instant baseline = s.lastActivity().isAfter(s.updated()) ? s.lastActivity() : s.updated();
    Instant last = activity.map(a -> a.lastActive(baseline)).orElse(baseline);
    Instant deadline = last.plus(inactivity);
    if (!now.isBefore(deadline)) {
      return warned.compose(w -> store.notify(new Notice(s.id(), Notice.Kind.CULLED, deadline, 0, now,
          "Stopped: no activity since " + last + " (" + days(inactivity) + " without activity ends a session)."))
          .compose(x -> stop(s, "idle since " + last)).map(new Sweep(w, 1, 0)));
    }
    if (!now.isBefore(deadline.minus(Duration.ofHours(IDLE_LEAD)))) {
      return warned.compose(w -> store.notify(new Notice(s.id(), Notice.Kind.IDLE_WARNING, deadline, IDLE_LEAD, now,
          "This session will be stopped at " + deadline + " unless it is used: no activity since " + last + "."))
          .map(n -> new Sweep(w + (n ? 1 : 0), 0, 0)));
    }
    return warned.map(w -> new Sweep(w, 0, 0));
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + " d" : d.toHours() + " h";
  }

  private Future<Void> stop(Session s, String why) {
    LOG.info("session {}: stopping it ({})", s.id(), why);
    return sessions.stop(SYSTEM, s.id()).mapEmpty();
  }

  /** The notices of {@code sessions}, for the API. */
  public Future<Map<String, List<Notice>>> notices(List<Session> list) {
    return store.notices(list.stream().map(Session::id).toList());
  }
}
