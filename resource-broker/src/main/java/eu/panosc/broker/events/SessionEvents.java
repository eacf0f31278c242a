package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The changes of sessions this process tells its event streams, in order, the last {@code capacity} of them kept for
 * resuming a stream ({@code Last-Event-ID}).
 *
 * <p>An event's id is either one every replica gives the same change — the id of the PostgreSQL notice that announced
 * it ({@code <origin>:<n>}, {@link #publish(String, SessionView, boolean)}), so a stream can resume on any replica
 * that received that notice — or one of this process only ({@code <epoch>-<seq>}, {@link #publish(Session)}: the
 * in-memory store, and changes read again after the notice connection was lost). Resuming finds the id in the buffer
 * and replays what followed it; an id the buffer does not hold (older, unknown, from before a restart) cannot be
 * resumed. A notice whose change was already told (or is older than what was told) is kept as a silent position, so a
 * stream resuming from its id on another replica still resumes; a stream resuming from before such a position but
 * after the event that made it silent gets that event's session again under the position's id (replicas may read
 * the same notice at different moments, so the stream may not have it): on resume a change may come twice, never
 * not at all.
 */
public final class SessionEvents {
  /** A told event, or a silent position: {@code told} the event that already told what it would have. */
  private record Entry(String id, long seq, SessionEvent event, SessionEvent told) {}

  /** Where a stream resumes: the local sequence number of its last event and what followed it. */
  public record Resume(long seq, List<SessionEvent> events) {}

  private final int capacity;
  private final String epoch;
  private final Deque<Entry> buffer = new ArrayDeque<>();
  /**
   * The newest buffered event of each session that has one: what {@link #alreadyTold} compares with, found without
   * walking the buffer (a new session's first notice walked all of it).
   */
  private final Map<String, SessionEvent> newest = new HashMap<>();
  private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
  private long seq;

  public SessionEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    this.epoch = HexFormat.of().formatHex(b);
  }

  /** Records that {@code session} is now as given (created, or its state changed) and tells every listener. */
  public void publish(Session session) {
    publish(null, SessionView.of(session), false);
  }

  /**
   * Like {@link #publish} unless the newest buffered event of that session already shows it in the same state with
   * the same end (or a later one): a change read again, which may be announced more than once (a notice and a
   * catch-up read, or a read that already saw a later change). Answers whether it was published.
   */
  public boolean publishIfNew(Session session) {
    return publish(null, SessionView.of(session), true);
  }

  /**
   * Publishes {@code view} under {@code id} (a notice's id, the same on every replica; null for one of this process).
   * With {@code onlyIfNew}, a view that tells nothing new about its session ({@link SessionView#sameAs}) or is older
   * than what was told takes the id's position silently. Answers whether an event was published.
   */
  public boolean publish(String id, SessionView view, boolean onlyIfNew) {
    Objects.requireNonNull(view, "view");
    SessionEvent e;
    synchronized (this) {
      seq++;
      String eventId = id == null ? epoch + "-" + seq : id;
      SessionEvent told = onlyIfNew ? alreadyTold(view) : null;
      if (told != null) {
        add(new Entry(eventId, seq, null, told));
        return false;
      }
      e = new SessionEvent(eventId, seq, view);
      add(new Entry(eventId, seq, e, null));
    }
    for (Consumer<SessionEvent> l : listeners) {
      l.accept(e);
    }
    return true;
  }

  /** Keeps {@code id} as a silent position (a notice with nothing to tell), so a stream can resume from it. */
  public synchronized void skip(String id) {
    seq++;
    add(new Entry(Objects.requireNonNull(id, "id"), seq, null, null));
  }

  private void add(Entry entry) {
    buffer.addLast(entry);
    if (entry.event() != null) {
      newest.put(entry.event().session().id(), entry.event());
    }
    if (buffer.size() > capacity) {
      Entry gone = buffer.removeFirst();
      // the newest event of its session leaves the buffer last (it was added last): then none of it is left
      if (gone.event() != null) {
        newest.remove(gone.event().session().id(), gone.event());
      }
    }
  }

  /** This process's epoch: the prefix of its own event ids, and the origin of its notices to the other replicas. */
  public String origin() {
    return epoch;
  }

  /** The newest event of {@code v}'s session when it already told {@code v} (or more), else null. */
  private SessionEvent alreadyTold(SessionView v) {
    SessionEvent told = newest.get(v.session().id());
    return told != null && (v.sameAs(told.view()) || v.olderThan(told.view())) ? told : null;
  }

  /** Calls {@code listener} with every later event until the returned handle is run. */
  public Runnable subscribe(Consumer<SessionEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * The buffered events after {@code lastEventId} that {@code filter} accepts; empty when that id cannot be resumed
   * from here (malformed, unknown, or older than the buffer).
   */
  public Optional<List<SessionEvent>> after(String lastEventId, Predicate<Session> filter) {
    return resume(lastEventId, filter).map(Resume::events);
  }

  /** Like {@link #after}, with the local sequence number of the event the stream resumes after. */
  public synchronized Optional<Resume> resume(String lastEventId, Predicate<Session> filter) {
    long from = -1;
    if (lastEventId.equals(epoch + "-0")) {
      // a snapshot taken before this process told anything: resumable while nothing was dropped
      if (buffer.isEmpty() || buffer.peekFirst().seq() == 1) {
        from = 0;
      }
    } else {
      for (Iterator<Entry> it = buffer.descendingIterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.id().equals(lastEventId)) {
          from = e.seq();
          break;
        }
      }
    }
    if (from < 0) {
      return Optional.empty();
    }
    List<SessionEvent> out = new ArrayList<>();
    java.util.Set<Long> replayed = new java.util.HashSet<>();
    for (Entry e : buffer) {
      if (e.seq() <= from) {
        continue;
      }
      if (e.event() != null) {
        if (filter.test(e.event().session())) {
          out.add(e.event());
        }
      } else if (e.told() != null && e.told().seq() <= from && filter.test(e.told().session())
          && replayed.add(e.told().seq())) {
        // another replica may have told this notice's change where this one had told it before: the stream resuming
        // may not have it, so it gets what this replica told (at worst once more)
        out.add(new SessionEvent(e.id(), e.seq(), e.told().view()));
      }
    }
    return Optional.of(new Resume(from, out));
  }

  /** The id of the newest event or position (or {@code <epoch>-0}); a stream that starts from a snapshot resumes from it. */
  public synchronized String latestId() {
    return buffer.isEmpty() ? epoch + "-0" : buffer.peekLast().id();
  }

  /** {@link #latestId()} with its local sequence number, read together. */
  public synchronized Mark mark() {
    return new Mark(latestId(), seq);
  }

  /** A position in this process's events: its id and local sequence number. */
  public record Mark(String id, long seq) {}
}
