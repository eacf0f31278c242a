package eu.panosc.broker.events;

import eu.panosc.broker.cull.Notice;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.staging.StagingProgress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session as its events and {@code GET /v1/sessions/{id}} show it: the session with its staging progress (when its
 * data is staged) and its warnings ({@code session_notice}), read together.
 */
public record SessionView(Session session, Optional<StagingProgress> staging, List<Notice> warnings) {
  public SessionView {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(staging, "staging");
    warnings = List.copyOf(warnings);
  }

  /** A session without staging or warnings. */
  public static SessionView of(Session session) {
    return new SessionView(session, Optional.empty(), List.of());
  }

  /** The same view with {@code s} as its session. */
  SessionView with(Session s) {
    return new SessionView(s, staging, warnings);
  }

  /**
   * Whether this view tells nothing new after {@code told}: the same state, end, URL, failure and placement, the
   * same staging progress (its {@code updated} aside) and warnings.
   */
  boolean sameAs(SessionView told) {
    Session a = session;
    Session b = told.session;
    return a.state() == b.state() && a.expiresAt().equals(b.expiresAt()) && a.url().equals(b.url())
        && a.failure().equals(b.failure()) && a.cluster().equals(b.cluster()) && a.placement().equals(b.placement())
        && staging.map(SessionView::progress).equals(told.staging.map(SessionView::progress))
        && warnings.equals(told.warnings);
  }

  private static List<Object> progress(StagingProgress p) {
    return List.of(p.state(), p.done(), p.bytesDone(), p.reason());
  }

  /** Whether this view was read before {@code told} was: an older read that would take an event back. */
  boolean olderThan(SessionView told) {
    if (session.updated().isBefore(told.session.updated())) {
      return true;
    }
    if (staging.isPresent() && told.staging.isPresent()
        && staging.get().updated().isBefore(told.staging.get().updated())) {
      return true;
    }
    return warnings.size() < told.warnings.size();
  }
}
