package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import eu.panosc.broker.store.BrokerStore;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthHandler;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code GET /v1/sessions/events}: server-sent events of the state changes of the caller's sessions (every
 * session's for {@code broker:admin}). Each change is an {@code event: session} whose data is the session as
 * {@code GET /v1/sessions/{id}} shows it (with its staging progress and warnings). A client resuming with
 * {@code Last-Event-ID} gets the changes it missed from the in-memory buffer — on any replica, as events announced
 * through PostgreSQL carry the same id everywhere ({@link FeedEvents}); when that id cannot be resumed here (unknown,
 * too old, from before a restart, or this replica's own after a lost notice connection), or without one, the stream
 * starts with an {@code event: snapshot} holding all the caller's sessions.
 * A comment line is sent every {@code heartbeat} so intermediaries keep the connection; the stream ends when the
 * caller's token expires (the broker learns of a logout only so).
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">HTML: server-sent events</a>
 */
public final class SessionEventsEndpoint {
  private final SessionEvents events;
  private final SessionViews views;
  private final Function<SessionView, JsonObject> json;
  private final Duration heartbeat;
  private final Clock clock;

  /** Sessions without staging or warnings (the in-memory store). */
  public SessionEventsEndpoint(SessionEvents events, BrokerStore store, Function<Session, JsonObject> json,
      Duration heartbeat, Clock clock) {
    this(events, SessionViews.plain(store), v -> json.apply(v.session()), heartbeat, clock);
  }

  /** Sessions as {@code views} reads them for a snapshot; each event's data is {@code json} of its view. */
  public SessionEventsEndpoint(SessionEvents events, SessionViews views, Function<SessionView, JsonObject> json,
      Duration heartbeat, Clock clock) {
    this.events = Objects.requireNonNull(events, "events");
    this.views = Objects.requireNonNull(views, "views");
    this.json = Objects.requireNonNull(json, "json");
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public void mount(Router router, BearerAuthHandler user, String adminScope) {
    router.get("/v1/sessions/events").handler(user).handler(rc -> stream(rc, adminScope));
  }

  private void stream(RoutingContext rc, String adminScope) {
    AccessTokenPrincipal p = BearerAuth.principal(rc);
    boolean admin = p.hasScope(adminScope);
    Predicate<Session> mine = s -> admin || s.owner().equals(p.subject());
    HttpServerResponse r = rc.response();
    Context ctx = rc.vertx().getOrCreateContext();
    r.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader(HttpHeaders.CONTENT_ENCODING, "identity")
        .putHeader("X-Accel-Buffering", "no");
    r.write(": session events of " + (admin ? "every user" : "your sessions") + "\n\n");
    State state = new State();
    Runnable unsubscribe = events.subscribe(e -> ctx.runOnContext(v -> {
      if (mine.test(e.session())) {
        if (state.live) {
          send(r, state, e);
        } else {
          state.pending.add(e);
        }
      }
    }));
    // subscribed first: an event published meanwhile runs on this context after this handler, and is either in the
    // replay (sent once: sequence numbers) or after the mark
    String last = rc.request().getHeader("Last-Event-ID");
    Optional<SessionEvents.Resume> replay = last == null ? Optional.empty() : events.resume(last.strip(), mine);
    SessionEvents.Mark snapshotMark = events.mark();
    state.lastSeq = replay.map(SessionEvents.Resume::seq).orElse(snapshotMark.seq());
    long beat = rc.vertx().setPeriodic(heartbeat.toMillis(), t -> r.write(": heartbeat\n\n"));
    long remaining = Math.max(1, Duration.between(clock.instant(), p.expiresAt()).toMillis());
    long expiry = rc.vertx().setTimer(remaining, t -> {
      r.write("event: expired\ndata: {\"detail\":\"your token expired; reconnect with a new one\"}\n\n");
      r.end();
    });
    r.closeHandler(v -> {
      unsubscribe.run();
      rc.vertx().cancelTimer(beat);
      rc.vertx().cancelTimer(expiry);
    });
    r.endHandler(v -> {
      unsubscribe.run();
      rc.vertx().cancelTimer(beat);
      rc.vertx().cancelTimer(expiry);
    });
    if (replay.isPresent()) {
      replay.get().events().forEach(e -> send(r, state, e));
      goLive(r, state);
      return;
    }
    String snapshotId = snapshotMark.id();
    views.list(admin ? Optional.empty() : Optional.of(p.subject())).onComplete(ar -> {
      if (r.ended() || r.closed()) {
        return;
      }
      if (ar.failed()) {
        r.write("event: error\ndata: {\"detail\":\"the sessions could not be read; reconnect\"}\n\n");
        r.end();
        return;
      }
      JsonArray all = new JsonArray();
      ar.result().forEach(s -> all.add(json.apply(s)));
      r.write("id: " + snapshotId + "\nevent: snapshot\ndata: " + new JsonObject().put("sessions", all).encode()
          + "\n\n");
      goLive(r, state);
    });
  }

  private static final class State {
    boolean live;
    long lastSeq;
    final List<SessionEvent> pending = new ArrayList<>();
  }

  private void goLive(HttpServerResponse r, State state) {
    state.live = true;
    state.pending.forEach(e -> send(r, state, e));
    state.pending.clear();
  }

  private void send(HttpServerResponse r, State state, SessionEvent e) {
    if (e.seq() <= state.lastSeq || r.ended() || r.closed()) {
      return;
    }
    state.lastSeq = e.seq();
    r.write("id: " + e.id() + "\nevent: session\ndata: " + json.apply(e.view()).encode() + "\n\n");
  }
}
