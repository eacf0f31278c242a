package eu.panosc.broker.events;

import eu.panosc.broker.model.Session;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The state changes of sessions this process made, in order, the last {@code capacity} of them kept for resuming a
 * stream ({@code Last-Event-ID}). Event ids are {@code <epoch>-<seq>}: the epoch is random per process, so an id from
 * before a restart (or from another replica) is recognised as not resumable here.
 */
public final class SessionEvents {
  private final int capacity;
  private final String epoch;
  private final Deque<SessionEvent> buffer = new ArrayDeque<>();
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
    publish(session, false);
  }

  /**
   * Like {@link #publish} unless the newest buffered event of that session already shows it in the same state with
   * the same end and update time: a change made by another replica, which may be announced more than once (a
   * notice and a catch-up read, or a read that already saw a later change). Answers whether it was published.
   */
  public boolean publishIfNew(Session session) {
    return publish(session, true);
  }

  /** This process's epoch: the prefix of its event ids, and the origin its announcements to other replicas carry. */
  public String origin() {
    return epoch;
  }

  private boolean publish(Session session, boolean onlyIfNew) {
    SessionEvent e;
    synchronized (this) {
      if (onlyIfNew && alreadyTold(session)) {
        return false;
      }
      seq++;
      e = new SessionEvent(epoch + "-" + seq, seq, session);
      buffer.addLast(e);
      if (buffer.size() > capacity) {
        buffer.removeFirst();
      }
    }
    for (Consumer<SessionEvent> l : listeners) {
      l.accept(e);
    }
    return true;
  }

  private boolean alreadyTold(Session s) {
    var it = buffer.descendingIterator();
    while (it.hasNext()) {
      Session told = it.next().session();
      if (told.id().equals(s.id())) {
        // nothing new to tell, or an older read (a late notice) that would take an event back
        return told.state() == s.state() && told.expiresAt().equals(s.expiresAt())
            || s.updated().isBefore(told.updated());
      }
    }
    return false;
  }

  /** Calls {@code listener} with every later event until the returned handle is run. */
  public Runnable subscribe(Consumer<SessionEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * The buffered events after {@code lastEventId} that {@code filter} accepts; empty when that id cannot be resumed
   * from here (malformed, another process's, or older than the buffer).
   */
  public synchronized Optional<List<SessionEvent>> after(String lastEventId, Predicate<Session> filter) {
    int dash = lastEventId.lastIndexOf('-');
    if (dash < 0 || !lastEventId.substring(0, dash).equals(epoch)) {
      return Optional.empty();
    }
    long last;
    try {
      last = Long.parseLong(lastEventId.substring(dash + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (last > seq || (!buffer.isEmpty() && last < buffer.peekFirst().seq() - 1)) {
      return Optional.empty();
    }
    List<SessionEvent> out = new ArrayList<>();
    for (SessionEvent e : buffer) {
      if (e.seq() > last && filter.test(e.session())) {
        out.add(e);
      }
    }
    return Optional.of(out);
  }

  /** The id of the newest event (or {@code <epoch>-0}); a stream that starts from a snapshot resumes from it. */
  public synchronized String latestId() {
    return epoch + "-" + seq;
  }
}
