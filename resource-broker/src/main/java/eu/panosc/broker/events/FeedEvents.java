package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import eu.panosc.broker.store.Announcer;
import eu.panosc.broker.store.SessionFeed;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the notices of {@link SessionFeed} — every replica's, this one's included, in commit order — into this
 * replica's {@link SessionEvent}s, in that order and under the notice's id, so every replica tells the same change
 * under the same id and a stream can resume on any of them. Notices are read in batches: one query
 * ({@link SessionViews#get}) for every notice that arrived while the previous read ran, never one per notice and
 * table. A change this replica made is told exactly as it wrote it ({@link Announcer.Listener}); another replica's
 * as read (so an intermediate state it passed quickly may be skipped). A notice that tells nothing new (a state
 * already told, a read older than what was told) keeps its id as a silent position. Sessions read again after the
 * notice connection was lost ({@link #changed}) are published under ids of this replica only.
 */
public final class FeedEvents implements Announcer.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(FeedEvents.class);
  /** Notices read together at most. */
  static final int BATCH = 500;
  /** Own sessions remembered until their notice arrives at most (a notice whose commit failed never does). */
  static final int WRITTEN = 10_000;

  private record Item(SessionFeed.Notice notice, String session) {}

  private final Vertx vertx;
  private final SessionViews views;
  private final SessionEvents events;
  private final Deque<Item> queue = new ArrayDeque<>();
  private final Map<String, Session> written = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > WRITTEN;
    }
  };
  private boolean reading;

  public FeedEvents(Vertx vertx, SessionViews views, SessionEvents events) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.views = Objects.requireNonNull(views, "views");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public synchronized void written(SessionFeed.Notice notice, Session session) {
    written.put(notice.id(), session);
  }

  @Override
  public synchronized void abandoned(SessionFeed.Notice notice) {
    written.remove(notice.id());
  }

  /** A notice, as the feed delivers it. */
  public void notice(SessionFeed.Notice notice) {
    enqueue(new Item(notice, notice.session()));
  }

  /** A session that may have changed while nobody listened. */
  public void changed(String sessionId) {
    enqueue(new Item(null, sessionId));
  }

  private void enqueue(Item item) {
    synchronized (this) {
      queue.addLast(item);
    }
    drain();
  }

  private void drain() {
    List<Item> batch = new ArrayList<>();
    synchronized (this) {
      if (reading || queue.isEmpty()) {
        return;
      }
      reading = true;
      while (!queue.isEmpty() && batch.size() < BATCH) {
        batch.add(queue.removeFirst());
      }
    }
    Set<String> ids = new LinkedHashSet<>();
    batch.forEach(i -> ids.add(i.session()));
    views.get(ids).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("session events: {} change(s) could not be read ({}); reading again in 1 s", batch.size(),
            ar.cause().getMessage());
        synchronized (this) {
          for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
          }
        }
        vertx.setTimer(1000, t -> {
          synchronized (this) {
            reading = false;
          }
          drain();
        });
        return;
      }
      for (Item i : batch) {
        publish(i, Optional.ofNullable(ar.result().get(i.session())));
      }
      synchronized (this) {
        reading = false;
      }
      drain();
    });
  }

  private void publish(Item item, Optional<SessionView> read) {
    if (item.notice() == null) {
      read.ifPresent(v -> events.publish(null, v, true));
      return;
    }
    Session mine;
    synchronized (this) {
      mine = written.remove(item.notice().id());
    }
    Optional<SessionView> view = mine == null ? read
        : Optional.of(read.map(v -> v.with(mine)).orElseGet(() -> SessionView.of(mine)));
    if (view.isPresent()) {
      events.publish(item.notice().id(), view.get(), true);
    } else {
      events.skip(item.notice().id());
    }
  }
}
