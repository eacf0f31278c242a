package eu.panosc.aai.saml.slo;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.saml.sp.SamlSubject;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SamlSessions} in PostgreSQL ({@code aai.saml_session} and {@code aai.saml_logout_state}, V26), shared by
 * every replica.
 */
public final class PgSamlSessions implements SamlSessions {
  private static final String SUBJECT = "sid, idp_entity_id, name_id, name_id_format, name_qualifier,"
      + " sp_name_qualifier, session_index";
  private final Pool pool;
  private final Clock clock;
  private final Duration logoutLifetime;

  public PgSamlSessions(Pool pool, Clock clock, Duration logoutLifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.logoutLifetime = Objects.requireNonNull(logoutLifetime, "logoutLifetime");
  }

  @Override
  public Duration logoutLifetime() {
    return logoutLifetime;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<Void> remember(String sid, SamlSubject s, Instant expiresAt) {
    SamlStoreInput.sid(sid);
    Objects.requireNonNull(s, "subject");
    return pool.preparedQuery("INSERT INTO saml_session (" + SUBJECT + ", expires_at) VALUES ($1, $2, $3, $4, $5,"
            + " $6, $7, $8) ON CONFLICT (sid) DO UPDATE SET idp_entity_id = EXCLUDED.idp_entity_id, name_id ="
            + " EXCLUDED.name_id, name_id_format = EXCLUDED.name_id_format, name_qualifier = EXCLUDED.name_qualifier,"
            + " sp_name_qualifier = EXCLUDED.sp_name_qualifier, session_index = EXCLUDED.session_index, expires_at ="
            + " EXCLUDED.expires_at")
        .execute(Tuple.from(java.util.Arrays.asList(sid, s.idpEntityId(), s.nameId(), s.nameIdFormat(),
            s.nameQualifier(), s.spNameQualifier(), s.sessionIndex(), expiresAt.atOffset(ZoneOffset.UTC))))
        .mapEmpty();
  }

  @Override
  public Future<Optional<SamlSubject>> find(String sid) {
    if (sid == null || sid.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT " + SUBJECT + " FROM saml_session WHERE sid = $1 AND expires_at > $2")
        .execute(Tuple.of(sid, now()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(link(rows.iterator().next()).subject()));
  }

  @Override
  public Future<List<Link>> bySubject(String idpEntityId, String nameId) {
    return pool.preparedQuery("SELECT " + SUBJECT + " FROM saml_session WHERE idp_entity_id = $1 AND name_id = $2"
            + " AND expires_at > $3 ORDER BY sid")
        .execute(Tuple.of(idpEntityId, nameId, now()))
        .map(rows -> {
          List<Link> out = new ArrayList<>();
          rows.forEach(r -> out.add(link(r)));
          return out;
        });
  }

  private static Link link(Row r) {
    return new Link(r.getString(0), new SamlSubject(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        r.getString(5), r.getString(6)));
  }

  @Override
  public Future<Void> forget(String sid) {
    return pool.preparedQuery("DELETE FROM saml_session WHERE sid = $1").execute(Tuple.of(sid)).mapEmpty();
  }

  @Override
  public Future<String> startLogout(LogoutFlow flow) {
    SamlStoreInput.flow(flow);
    String handle = Opaque.random();
    return pool.preparedQuery("INSERT INTO saml_logout_state (handle_hash, request_id, idp_entity_id, redirect,"
            + " state, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.from(java.util.Arrays.asList(Opaque.hash(handle), flow.requestId(), flow.idpEntityId(),
            flow.redirect(), flow.state(), clock.instant().plus(logoutLifetime).atOffset(ZoneOffset.UTC))))
        .map(rows -> handle);
  }

  @Override
  public Future<Lookup> takeLogout(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(new Lookup.Missing());
    }
    String hash = Opaque.hash(handle);
    return pool.preparedQuery("UPDATE saml_logout_state SET consumed_at = $2 WHERE handle_hash = $1"
            + " AND consumed_at IS NULL AND expires_at > $2 RETURNING request_id, idp_entity_id, redirect, state")
        .execute(Tuple.of(hash, now()))
        .compose(rows -> {
          if (rows.size() == 1) {
            Row r = rows.iterator().next();
            return Future.succeededFuture(new Lookup.Found(new LogoutFlow(r.getString(0), r.getString(1),
                r.getString(2), r.getString(3))));
          }
          return pool.preparedQuery("SELECT consumed_at IS NOT NULL FROM saml_logout_state WHERE handle_hash = $1")
              .execute(Tuple.of(hash))
              .map(r -> r.size() == 0 ? new Lookup.Missing()
                  : r.iterator().next().getBoolean(0) ? new Lookup.Replayed() : new Lookup.Expired());
        });
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM saml_session WHERE expires_at <= $1").execute(Tuple.of(now()))
        .compose(v -> pool.preparedQuery("DELETE FROM saml_logout_state WHERE expires_at < $1")
            .execute(Tuple.of(clock.instant().minus(logoutLifetime).atOffset(ZoneOffset.UTC))))
        .mapEmpty();
  }
}
