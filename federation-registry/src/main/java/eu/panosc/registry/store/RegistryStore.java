package eu.panosc.registry.store;

import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberDraft;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The registry's members and audit trail. Every write is one transaction that also appends its audit
 * event, so a failed write leaves nothing behind. Failures that are the caller's fault are
 * {@link StoreException}s with their {@link StoreException.Reason} (the endpoints answer 404, 409, 412, or 400
 * naming the field). Implementations: {@link PgRegistryStore}.
 */
public interface RegistryStore {
  /**
   * Adds a member in {@code state}; CONFLICT if its id (or federation entity id) is taken, INVALID_FIELD if
   * its facility is unknown.
   */
  Future<Member> create(MemberDraft draft, OnboardingState state, Actor actor);

  Future<Optional<Member>> get(MemberKind kind, String id);

  /** Members of {@code kind}, optionally only those in {@code state} and of {@code facility}. */
  Future<List<Member>> list(MemberKind kind, Optional<OnboardingState> state, Optional<String> facility);

  /**
   * Replaces a member's document (state unchanged); NOT_FOUND, STALE_VERSION if {@code expectedVersion} is
   * not the stored one, INVALID_FIELD for a change of facility, CONFLICT for a taken federation entity id.
   */
  Future<Member> replace(MemberDraft draft, OptionalLong expectedVersion, Actor actor);

  /** Moves a member to {@code target}; NOT_FOUND, CONFLICT if that transition is not allowed. */
  Future<Member> transition(MemberKind kind, String id, OnboardingState target, Actor actor);

  /** Deletes a member; NOT_FOUND, STALE_VERSION, CONFLICT for a facility that still has members. */
  Future<Void> delete(MemberKind kind, String id, OptionalLong expectedVersion, Actor actor);

  /** Replaces a confidential client's secret hash; NOT_FOUND, CONFLICT for a client without a secret. */
  Future<Member> setSecretHash(String clientId, String secretHash, Actor actor);

  /** The stored secret hash of a client, if it has one. */
  Future<Optional<String>> secretHash(String clientId);

  /** Audit events, newest last, after {@code afterId}, optionally for one member. */
  Future<List<AuditEvent>> audit(Optional<MemberKind> kind, Optional<String> memberId, long afterId, int limit);

  /** The id of the newest audit event (the change sequence), 0 when none. */
  Future<Long> latestChange();
}
