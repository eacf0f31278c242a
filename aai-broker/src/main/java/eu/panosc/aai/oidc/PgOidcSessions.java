package eu.panosc.aai.oidc;

import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.EnvelopeException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OidcSessions} in PostgreSQL ({@code aai.oidc_session}, V30). The OP's ID token is sealed at rest
 * ({@link EnvelopeEncryption} under the deployment's key-encryption key, associated data
 * {@code aai.oidc_session/<sid>}); a row written before that (plaintext) is still read, and a row that does not open
 * (another KEK, changed, moved from another row) reads as no upstream session, with a warning, so one bad row never
 * stops a sign-out.
 */
public final class PgOidcSessions implements OidcSessions {
  private static final Logger LOG = LoggerFactory.getLogger(PgOidcSessions.class);
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;
  private final EnvelopeEncryption envelopes;

  /** {@code lifetime}: the broker sessions' lifetime (how long an entry is kept). */
  public PgOidcSessions(Pool pool, Clock clock, Duration lifetime, EnvelopeEncryption envelopes) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
  }

  /** The associated data of the ID token sealed in the row of broker session {@code sid}. */
  static String context(String sid) {
    return "aai.oidc_session/" + sid;
  }

  @Override
  public Future<Void> remember(OidcSession s) {
    Objects.requireNonNull(s.sid(), "sid");
    return pool.preparedQuery("INSERT INTO oidc_session (sid, upstream_id, issuer, subject, upstream_sid, id_token,"
            + " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sid) DO UPDATE SET upstream_id ="
            + " EXCLUDED.upstream_id, issuer = EXCLUDED.issuer, subject = EXCLUDED.subject, upstream_sid ="
            + " EXCLUDED.upstream_sid, id_token = EXCLUDED.id_token, expires_at = EXCLUDED.expires_at")
        .execute(Tuple.tuple().addString(s.sid()).addString(s.upstreamId()).addString(s.issuer())
            .addString(s.subject()).addString(s.upstreamSid()).addString(envelopes.sealText(s.idToken(), context(s.sid())))
            .addOffsetDateTime(clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  @Override
  public Future<Optional<OidcSession>> find(String sid) {
    if (sid == null || !eu.panosc.platform.input.Input.isClean(sid, 256)) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT sid, upstream_id, issuer, subject, upstream_sid, id_token FROM oidc_session"
            + " WHERE sid = $1 AND expires_at > $2")
        .execute(Tuple.of(sid, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : session(rows.iterator().next()));
  }

  private Optional<OidcSession> session(Row r) {
    String stored = r.getString(5);
    String idToken;
    try {
      idToken = EnvelopeEncryption.isEnvelope(stored) ? envelopes.openText(stored, context(r.getString(0))) : stored;
    } catch (EnvelopeException e) {
      // neither the token nor the sid is logged: the reason says which way the row is broken
      LOG.warn("an upstream OIDC session's ID token does not open ({}); signing out there is skipped", e.reason());
      return Optional.empty();
    }
    return Optional.of(new OidcSession(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        idToken));
  }

  @Override
  public Future<List<String>> sessionsOf(String issuer, String subject, String upstreamSid) {
    if (issuer == null || subject == null && upstreamSid == null) {
      return Future.succeededFuture(List.of());
    }
    String sql = "SELECT sid FROM oidc_session WHERE issuer = $1 AND expires_at > $2"
        + (upstreamSid != null ? " AND upstream_sid = $3" + (subject != null ? " AND subject = $4" : "")
            : " AND subject = $3");
    Tuple args = Tuple.of(issuer, clock.instant().atOffset(ZoneOffset.UTC));
    if (upstreamSid != null) {
      args.addString(upstreamSid);
    }
    if (subject != null) {
      args.addString(subject);
    }
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  @Override
  public Future<Void> forget(String sid) {
    return pool.preparedQuery("DELETE FROM oidc_session WHERE sid = $1").execute(Tuple.of(sid)).mapEmpty();
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM oidc_session WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
