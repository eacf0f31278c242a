package eu.panosc.accounting.web;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PageSessions} in PostgreSQL ({@code report_login}, {@code report_session}); expired rows are deleted
 * whenever a new one is written.
 */
public final class PgPageSessions implements PageSessions {
  private final Pool pool;

  public PgPageSessions(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Void> saveLogin(PendingLogin l) {
    return pool.preparedQuery("DELETE FROM report_login WHERE expires_at < now()").execute()
        .compose(v -> pool.preparedQuery("INSERT INTO report_login (state_hash, code_verifier, nonce, return_query, "
            + "expires_at) VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(l.stateHash(), l.codeVerifier(), l.nonce(),
            l.returnQuery(), utc(l.expiresAt())))).mapEmpty();
  }

  @Override
  public Future<Optional<PendingLogin>> takeLogin(String stateHash, Instant now) {
    return pool.preparedQuery("DELETE FROM report_login WHERE state_hash = $1 RETURNING code_verifier, nonce, "
        + "return_query, expires_at").execute(Tuple.of(stateHash)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          Instant expires = r.getOffsetDateTime("expires_at").toInstant();
          return expires.isAfter(now) ? Optional.of(new PendingLogin(stateHash, r.getString("code_verifier"),
              r.getString("nonce"), r.getString("return_query"), expires)) : Optional.empty();
        });
  }

  @Override
  public Future<Void> saveSession(PageSession s) {
    return pool.preparedQuery("DELETE FROM report_session WHERE expires_at < now()").execute()
        .compose(v -> pool.preparedQuery("INSERT INTO report_session (id_hash, subject, display_name, reader, csrf, "
            + "id_token, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)").execute(Tuple.from(new Object[] {
            s.idHash(), s.subject(), s.displayName(), s.reader(), s.csrf(), s.idToken(), utc(s.expiresAt())})))
        .mapEmpty();
  }

  @Override
  public Future<Optional<PageSession>> session(String idHash, Instant now) {
    return pool.preparedQuery("SELECT subject, display_name, reader, csrf, id_token, expires_at FROM report_session "
        + "WHERE id_hash = $1").execute(Tuple.of(idHash)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          Instant expires = r.getOffsetDateTime("expires_at").toInstant();
          return expires.isAfter(now) ? Optional.of(new PageSession(idHash, r.getString("subject"),
              r.getString("display_name"), r.getBoolean("reader"), r.getString("csrf"), r.getString("id_token"),
              expires)) : Optional.empty();
        });
  }

  @Override
  public Future<Void> deleteSession(String idHash) {
    return pool.preparedQuery("DELETE FROM report_session WHERE id_hash = $1").execute(Tuple.of(idHash)).mapEmpty();
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
