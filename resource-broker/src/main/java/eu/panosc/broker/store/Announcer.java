package eu.panosc.broker.store;

import eu.panosc.broker.model.Session;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers this replica's announcements on {@link PgBrokerStore#CHANNEL}: each {@link SessionFeed.Notice} gets the next
 * number of this origin, so its id ({@code <origin>:<n>}) is the same on every replica that receives it. A listener
 * learns the exact session a notice was written with (before the transaction commits; a notice whose transaction
 * failed is abandoned), so this replica can tell its own changes exactly rather than read them back.
 */
public final class Announcer {
  /** What the replica making a change learns about the notices it writes. */
  public interface Listener {
    /** {@code session} is being written under {@code notice}; told before the statement runs. */
    void written(SessionFeed.Notice notice, Session session);

    /** The transaction of {@code notice} failed: no such notice will arrive. */
    void abandoned(SessionFeed.Notice notice);
  }

  private static final Listener NONE = new Listener() {
    @Override
    public void written(SessionFeed.Notice notice, Session session) {}

    @Override
    public void abandoned(SessionFeed.Notice notice) {}
  };

  private final String origin;
  private final AtomicLong seq = new AtomicLong();
  private volatile Listener listener = NONE;

  /** @param origin 1 to 64 letters, digits, '.', '_' or '-' (this replica's event epoch) */
  public Announcer(String origin) {
    this.origin = Objects.requireNonNull(origin, "origin");
    if (!origin.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("origin must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
  }

  public String origin() {
    return origin;
  }

  /** Sets who learns of the notices written (one listener; the event publisher). */
  public Announcer listener(Listener l) {
    this.listener = Objects.requireNonNull(l, "listener");
    return this;
  }

  /** The next notice of this origin: {@code change} is a state's name, {@code staging} or {@code warning}. */
  public SessionFeed.Notice next(String session, String change) {
    return new SessionFeed.Notice(origin, seq.incrementAndGet(), session, change);
  }

  void written(SessionFeed.Notice n, Session s) {
    listener.written(n, s);
  }

  void abandoned(SessionFeed.Notice n) {
    listener.abandoned(n);
  }
}
