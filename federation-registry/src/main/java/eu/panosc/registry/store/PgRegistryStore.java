package eu.panosc.registry.store;

import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberDraft;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** {@link RegistryStore} on PostgreSQL (schema {@code registry}), one transaction per write. */
public final class PgRegistryStore implements RegistryStore {
  private static final String COLUMNS =
      "kind, id, facility_id, state, document, version, created_at, updated_at";

  private final Pool pool;
  private final Clock clock;
  private final Consumer<AuditEvent> onChange;

  /**
   * @param onChange called after each committed write (e.g. to wake up change-feed long polls)
   */
  public PgRegistryStore(Pool pool, Clock clock, Consumer<AuditEvent> onChange) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  @Override
  public Future<Member> create(MemberDraft draft, OnboardingState state, Actor actor) {
    return pool.withTransaction(conn -> requireFacility(conn, draft)
        .compose(v -> requireUniqueFederationEntity(conn, draft))
        .compose(v -> conn.preparedQuery("INSERT INTO member (kind, id, facility_id, state, document, secret_hash, "
                + "version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING " + COLUMNS)
            .execute(Tuple.of(draft.kind().dbName(), draft.id(), draft.facilityId(), state.dbName(), draft.document(),
                draft.secretHash(), now())))
        .recover(e -> Future.failedFuture(isUnique(e)
            ? StoreException.conflict("a " + label(draft.kind()) + " with id '" + draft.id() + "' is already registered")
            : e))
        .map(rows -> member(rows.iterator().next()))
        .compose(m -> audit(conn, actor, "create", m.kind(), m.id(), null, m.toJson()).map(ev -> Map.entry(m, ev))))
        .map(this::committed);
  }

  @Override
  public Future<Optional<Member>> get(MemberKind kind, String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM member WHERE kind = $1 AND id = $2")
        .execute(Tuple.of(kind.dbName(), id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(member(rows.iterator().next())));
  }

  @Override
  public Future<List<Member>> list(MemberKind kind, Optional<OnboardingState> state, Optional<String> facility) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM member WHERE kind = $1 AND ($2::text IS NULL OR state = $2)"
            + " AND ($3::text IS NULL OR facility_id = $3) ORDER BY id")
        .execute(Tuple.of(kind.dbName(), state.map(OnboardingState::dbName).orElse(null), facility.orElse(null)))
        .map(rows -> {
          List<Member> out = new ArrayList<>();
          rows.forEach(r -> out.add(member(r)));
          return out;
        });
  }

  @Override
  public Future<Member> replace(MemberDraft draft, OptionalLong expectedVersion, Actor actor) {
    return pool.withTransaction(conn -> lock(conn, draft.kind(), draft.id())
        .compose(old -> {
          checkVersion(old, expectedVersion);
          if (!Objects.equals(old.facilityId(), draft.facilityId()) && draft.kind() != MemberKind.FACILITY) {
            // moving a member between facilities is an explicit re-registration, not an edit
            return Future.failedFuture(StoreException.invalidField("/facility",
                "cannot change from '" + old.facilityId() + "'; delete and register again"));
          }
          return requireFacility(conn, draft)
              .compose(v -> requireUniqueFederationEntity(conn, draft))
              .compose(v -> conn.preparedQuery("UPDATE member SET document = $3, version = version + 1, updated_at = $4,"
                      + " secret_hash = CASE WHEN $5::text IS NULL THEN NULL ELSE COALESCE(secret_hash, $5) END"
                      + " WHERE kind = $1 AND id = $2 RETURNING " + COLUMNS)
                  .execute(Tuple.of(draft.kind().dbName(), draft.id(), draft.document(), now(), draft.secretHash())))
              .map(rows -> member(rows.iterator().next()))
              .compose(m -> audit(conn, actor, "update", m.kind(), m.id(), old.toJson(), m.toJson())
                  .map(ev -> Map.entry(m, ev)));
        }))
        .map(this::committed);
  }

  @Override
  public Future<Member> transition(MemberKind kind, String id, OnboardingState target, Actor actor) {
    return pool.withTransaction(conn -> lock(conn, kind, id)
        .compose(old -> {
          if (!old.state().canMoveTo(target)) {
            return Future.failedFuture(StoreException.conflict(label(kind) + " '" + id + "' is " + old.state().dbName()
                + " and cannot become " + target.dbName()));
          }
          return conn.preparedQuery("UPDATE member SET state = $3, version = version + 1, updated_at = $4"
                  + " WHERE kind = $1 AND id = $2 RETURNING " + COLUMNS)
              .execute(Tuple.of(kind.dbName(), id, target.dbName(), now()))
              .map(rows -> member(rows.iterator().next()))
              .compose(m -> audit(conn, actor, target == OnboardingState.APPROVED ? "approve" : "suspend", kind, id,
                  old.toJson(), m.toJson()).map(ev -> Map.entry(m, ev)));
        }))
        .map(this::committed);
  }

  @Override
  public Future<Void> delete(MemberKind kind, String id, OptionalLong expectedVersion, Actor actor) {
    return pool.withTransaction(conn -> lock(conn, kind, id)
        .compose(old -> {
          checkVersion(old, expectedVersion);
          Future<Void> guard = kind != MemberKind.FACILITY ? Future.succeededFuture()
              : conn.preparedQuery("SELECT count(*) FROM member WHERE facility_id = $1").execute(Tuple.of(id))
                  .compose(rows -> rows.iterator().next().getLong(0) > 0
                      ? Future.failedFuture(StoreException.conflict("facility '" + id
                          + "' still has registered members; delete them first"))
                      : Future.succeededFuture());
          return guard
              .compose(v -> conn.preparedQuery("DELETE FROM member WHERE kind = $1 AND id = $2")
                  .execute(Tuple.of(kind.dbName(), id)))
              .compose(v -> audit(conn, actor, "delete", kind, id, old.toJson(), null));
        }))
        .map(ev -> {
          onChange.accept(ev);
          return null;
        });
  }

  @Override
  public Future<Member> setSecretHash(String clientId, String secretHash, Actor actor) {
    return pool.withTransaction(conn -> lock(conn, MemberKind.OIDC_CLIENT, clientId)
        .compose(old -> {
          String method = old.document().getString("authMethod");
          if (!"client_secret_basic".equals(method) && !"client_secret_post".equals(method)) {
            return Future.failedFuture(StoreException.conflict("client '" + clientId + "' authenticates with " + method
                + " and has no secret"));
          }
          return conn.preparedQuery("UPDATE member SET secret_hash = $2, version = version + 1, updated_at = $3"
                  + " WHERE kind = 'oidc_client' AND id = $1 RETURNING " + COLUMNS)
              .execute(Tuple.of(clientId, secretHash, now()))
              .map(rows -> member(rows.iterator().next()))
              .compose(m -> audit(conn, actor, "rotate-secret", m.kind(), m.id(), old.toJson(), m.toJson())
                  .map(ev -> Map.entry(m, ev)));
        }))
        .map(this::committed);
  }

  @Override
  public Future<Optional<String>> secretHash(String clientId) {
    return pool.preparedQuery("SELECT secret_hash FROM member WHERE kind = 'oidc_client' AND id = $1")
        .execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  @Override
  public Future<List<AuditEvent>> audit(Optional<MemberKind> kind, Optional<String> memberId, long afterId, int limit) {
    return pool.preparedQuery("SELECT id, at, actor, request_id, action, kind, member_id, old_value, new_value"
            + " FROM audit_event WHERE id > $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR member_id = $3)"
            + " ORDER BY id LIMIT $4")
        .execute(Tuple.of(afterId, kind.map(MemberKind::dbName).orElse(null), memberId.orElse(null), limit))
        .map(rows -> {
          List<AuditEvent> out = new ArrayList<>();
          rows.forEach(r -> out.add(event(r)));
          return out;
        });
  }

  @Override
  public Future<Long> latestChange() {
    return pool.query("SELECT coalesce(max(id), 0) FROM audit_event").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private Member committed(Map.Entry<Member, AuditEvent> result) {
    onChange.accept(result.getValue());
    return result.getKey();
  }

  private Future<Void> requireFacility(SqlConnection conn, MemberDraft draft) {
    if (draft.facilityId() == null || draft.kind() == MemberKind.FACILITY) {
      return Future.succeededFuture();
    }
    // FOR SHARE: a concurrent delete of the facility waits for this transaction
    return conn.preparedQuery("SELECT 1 FROM member WHERE kind = 'facility' AND id = $1 FOR SHARE")
        .execute(Tuple.of(draft.facilityId()))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture()
            : Future.failedFuture(StoreException.invalidField("/facility",
                "no facility '" + draft.facilityId() + "' is registered")));
  }

  /**
   * A federation Entity Identifier names one member: the fetch endpoint would otherwise serve one member's
   * keys for another's entity. A transaction-scoped advisory lock on the identifier serialises concurrent
   * registrations of the same one.
   */
  private Future<Void> requireUniqueFederationEntity(SqlConnection conn, MemberDraft draft) {
    JsonObject federation = draft.document().getJsonObject("federation");
    String entityId = federation == null ? null : federation.getString("entityId");
    if (entityId == null) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('registry.federation-entity:' || $1, 0))")
        .execute(Tuple.of(entityId))
        .compose(v -> conn.preparedQuery("SELECT kind, id FROM member WHERE document->'federation'->>'entityId' = $1"
                + " AND NOT (kind = $2 AND id = $3) LIMIT 1")
            .execute(Tuple.of(entityId, draft.kind().dbName(), draft.id())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          Row other = rows.iterator().next();
          return Future.failedFuture(StoreException.conflict("the federation entity id '" + entityId
              + "' is already registered for " + label(MemberKind.ofDb(other.getString("kind"))) + " '"
              + other.getString("id") + "'"));
        });
  }

  private Future<Member> lock(SqlConnection conn, MemberKind kind, String id) {
    return conn.preparedQuery("SELECT " + COLUMNS + " FROM member WHERE kind = $1 AND id = $2 FOR UPDATE")
        .execute(Tuple.of(kind.dbName(), id))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(StoreException.notFound("no " + label(kind) + " '" + id + "' is registered"))
            : Future.succeededFuture(member(rows.iterator().next())));
  }

  private static void checkVersion(Member old, OptionalLong expected) {
    if (expected.isPresent() && expected.getAsLong() != old.version()) {
      throw StoreException.staleVersion(old.version(), "the member is at version " + old.version() + ", not "
          + expected.getAsLong() + "; fetch it again and retry");
    }
  }

  private Future<AuditEvent> audit(SqlConnection conn, Actor actor, String action, MemberKind kind, String id,
      JsonObject oldValue, JsonObject newValue) {
    return conn.preparedQuery("INSERT INTO audit_event (at, actor, request_id, action, kind, member_id, old_value,"
            + " new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            + " RETURNING id, at, actor, request_id, action, kind, member_id, old_value, new_value")
        .execute(Tuple.from(new Object[] {now(), actor.name(), actor.requestId(), action, kind.dbName(), id,
            oldValue, newValue}))
        .map(rows -> event(rows.iterator().next()));
  }

  private static boolean isUnique(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  static String label(MemberKind kind) {
    return kind.dbName().replace('_', ' ').replace("oidc", "OIDC").replace("saml", "SAML");
  }

  private static Member member(Row r) {
    return new Member(MemberKind.ofDb(r.getString("kind")), r.getString("id"), r.getString("facility_id"),
        OnboardingState.ofDb(r.getString("state")), (JsonObject) r.getValue("document"), r.getLong("version"),
        r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant());
  }

  private static AuditEvent event(Row r) {
    return new AuditEvent(r.getLong("id"), r.getOffsetDateTime("at").toInstant(), r.getString("actor"),
        r.getString("request_id"), r.getString("action"), r.getString("kind"), r.getString("member_id"),
        (JsonObject) r.getValue("old_value"), (JsonObject) r.getValue("new_value"));
  }
}
