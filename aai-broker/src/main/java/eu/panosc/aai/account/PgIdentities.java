package eu.panosc.aai.account;

import eu.panosc.platform.input.Input;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link Identities} in PostgreSQL ({@code aai.user_identity}, V31). */
public final class PgIdentities implements Identities {
  private final Pool pool;
  private final Clock clock;

  public PgIdentities(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static void check(String subject, String userId, String upstream, String displayName) {
    Input.id("subject", subject, 2048);
    Input.id("userId", userId, 2048);
    Input.text("upstream", upstream, 1024, false);
    Input.text("displayName", displayName, 256, false);
  }

  @Override
  public Future<Optional<String>> owner(String subject) {
    if (!Input.isClean(subject, 2048) || subject.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT COALESCE((SELECT user_id FROM user_identity WHERE subject = $1),"
            + " (SELECT id FROM app_user WHERE id = $1))")
        .execute(Tuple.of(subject))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  @Override
  public Future<Void> remember(String subject, String userId, String upstream, String displayName) {
    try {
      check(subject, userId, upstream, displayName);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery("INSERT INTO user_identity (subject, user_id, upstream, display_name, linked_at,"
            + " last_login) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (subject) DO UPDATE SET"
            + " upstream = COALESCE(EXCLUDED.upstream, user_identity.upstream), display_name ="
            + " COALESCE(EXCLUDED.display_name, user_identity.display_name), last_login = EXCLUDED.last_login"
            + " WHERE user_identity.user_id = EXCLUDED.user_id")
        .execute(Tuple.of(subject, userId, upstream, displayName, now()))
        .mapEmpty();
  }

  @Override
  public Future<LinkOutcome> link(String subject, String userId, String upstream, String displayName) {
    try {
      check(subject, userId, upstream, displayName);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // one statement: the identity is added only when no user has it as their id and no row holds it (a concurrent
    // link of the same identity to two users inserts once; the loser sees TAKEN)
    return pool.preparedQuery("INSERT INTO user_identity (subject, user_id, upstream, display_name, linked_at)"
            + " SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM app_user WHERE id = $1 AND id <> $2)"
            + " ON CONFLICT (subject) DO NOTHING RETURNING subject")
        .execute(Tuple.of(subject, userId, upstream, displayName, now()))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(LinkOutcome.LINKED)
            : owner(subject).map(o -> o.filter(userId::equals).isPresent() ? LinkOutcome.ALREADY_YOURS
                : LinkOutcome.TAKEN));
  }

  @Override
  public Future<UnlinkOutcome> unlink(String userId, String subject) {
    if (!Input.isClean(subject, 2048) || !Input.isClean(userId, 2048)) {
      return Future.succeededFuture(UnlinkOutcome.NOT_YOURS);
    }
    if (subject.equals(userId)) {
      return Future.succeededFuture(UnlinkOutcome.PRIMARY);
    }
    return pool.preparedQuery("DELETE FROM user_identity WHERE subject = $1 AND user_id = $2")
        .execute(Tuple.of(subject, userId))
        .map(rows -> rows.rowCount() == 1 ? UnlinkOutcome.UNLINKED : UnlinkOutcome.NOT_YOURS);
  }

  @Override
  public Future<List<LinkedIdentity>> of(String userId) {
    return pool.preparedQuery("SELECT subject, user_id, upstream, display_name, linked_at, last_login"
            + " FROM user_identity WHERE user_id = $1"
            + " UNION ALL SELECT id, id, NULL, attributes->>'name', first_login, last_login FROM app_user"
            + " WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM user_identity WHERE subject = $1)")
        .execute(Tuple.of(userId))
        .map(rows -> {
          List<LinkedIdentity> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new LinkedIdentity(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                instant(r.getOffsetDateTime(4)), instant(r.getOffsetDateTime(5))));
          }
          out.sort(java.util.Comparator.comparing((LinkedIdentity i) -> !i.subject().equals(userId))
              .thenComparing(LinkedIdentity::linkedAt));
          return out;
        });
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
