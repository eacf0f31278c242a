package eu.panosc.aai.account;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which canonical user each upstream identity belongs to ({@code aai.user_identity}). An identity is its canonical
 * upstream id (the {@code subject}: a scoped subject-id, {@code <IdP>!<persistent NameID>}, {@code <issuer>!<sub>},
 * the demo user id), which the attribute mapper already makes unique across upstreams; the upstream it came through is
 * kept with it. A user's own id is their first identity's subject, so a user who never links keeps the id (and the
 * pairwise {@code sub}s) they had before linking existed. Identities are linked only on the person's explicit
 * confirmation ({@link #link}); nothing here compares e-mail addresses or names.
 */
public interface Identities {
  /**
   * One identity of a user: its subject, the upstream (null when unknown), its display name, when linked and last used.
   */
  record LinkedIdentity(String subject, String userId, String upstream, String displayName, Instant linkedAt,
      Instant lastLogin) {}

  /** What {@link #link} did. */
  enum LinkOutcome {
    /** Linked now. */
    LINKED,
    /** It already was this user's. */
    ALREADY_YOURS,
    /** It belongs to another user (linked to them, or their own id); nothing changed. */
    TAKEN
  }

  /** What {@link #unlink} did. */
  enum UnlinkOutcome {
    UNLINKED,
    /** The identity the user's id is (it cannot be unlinked). */
    PRIMARY,
    /** Not one of this user's identities. */
    NOT_YOURS
  }

  /** The user a login of {@code subject} belongs to: the user it is linked to, else the user whose id it is. */
  Future<Optional<String>> owner(String subject);

  /**
   * Records a login of {@code subject} as user {@code userId}'s (who exists): the identity is added the first time,
   * its upstream, name and last login refreshed later. An identity of another user is left alone.
   */
  Future<Void> remember(String subject, String userId, String upstream, String displayName);

  /** Links {@code subject} to the existing user {@code userId}, unless it is already someone's. */
  Future<LinkOutcome> link(String subject, String userId, String upstream, String displayName);

  /** Unlinks {@code subject} from {@code userId}; the user's own id (their first identity) stays. */
  Future<UnlinkOutcome> unlink(String userId, String subject);

  /** The user's identities, their own id's first (also when it was never recorded, e.g. users from before linking). */
  Future<List<LinkedIdentity>> of(String userId);

  /** No linking: every identity is its own user (for wiring without the account pages). */
  Identities NONE = fixed(Map.of());

  /**
   * Linking fixed in advance: {@code owners} maps an identity (subject) to the user it belongs to, every other identity
   * is its own user; nothing is remembered, a link is always {@link LinkOutcome#TAKEN} and an unlink
   * {@link UnlinkOutcome#NOT_YOURS} (for wiring without the account pages, and for tests).
   */
  static Identities fixed(Map<String, String> owners) {
    Map<String, String> fixed = Map.copyOf(owners);
    return new Identities() {
      @Override
      public Future<Optional<String>> owner(String subject) {
        return Future.succeededFuture(Optional.ofNullable(subject == null ? null : fixed.get(subject)));
      }

      @Override
      public Future<Void> remember(String subject, String userId, String upstream, String displayName) {
        return Future.succeededFuture();
      }

      @Override
      public Future<LinkOutcome> link(String subject, String userId, String upstream, String displayName) {
        return Future.succeededFuture(LinkOutcome.TAKEN);
      }

      @Override
      public Future<UnlinkOutcome> unlink(String userId, String subject) {
        return Future.succeededFuture(UnlinkOutcome.NOT_YOURS);
      }

      @Override
      public Future<List<LinkedIdentity>> of(String userId) {
        return Future.succeededFuture(List.of());
      }
    };
  }
}
