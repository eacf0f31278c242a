package eu.panosc.aai.token;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transaction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link GrantStore} in PostgreSQL (schema {@code aai}); codes and refresh tokens are stored as SHA-256. */
public final class PgGrantStore implements GrantStore {
  private final Pool pool;
  private final Clock clock;
  private final PgRevokedTokens revoked;
  private final Duration codeLifetime;
  private final Duration refreshLifetime;

  public PgGrantStore(Pool pool, Clock clock, PgRevokedTokens revoked, Duration codeLifetime, Duration refreshLifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.codeLifetime = Objects.requireNonNull(codeLifetime, "codeLifetime");
    this.refreshLifetime = Objects.requireNonNull(refreshLifetime, "refreshLifetime");
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<String> issueCode(String clientId, String userId, Set<String> scopes, List<String> audiences,
      Instant authTime, String acr, List<String> amr, String redirectUri, String codeChallenge, String nonce,
      String sessionSid) {
    String family = UUID.randomUUID().toString();
    String code = Opaque.random();
    OffsetDateTime now = now();
    return pool.withTransaction(c -> insertFamily(c, family, clientId, userId, scopes, audiences, authTime, acr, amr,
                now, sessionSid)
            .compose(v -> c.preparedQuery("INSERT INTO authorization_code (code_hash, family_id, client_id,"
                    + " redirect_uri, code_challenge, nonce, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
                .execute(Tuple.of(Opaque.hash(code), family, clientId, redirectUri, codeChallenge, nonce,
                    now.plus(codeLifetime)))))
        .map(v -> code);
  }

  private Future<?> insertFamily(SqlClient c, String family, String clientId, String userId, Set<String> scopes,
      List<String> audiences, Instant authTime, String acr, List<String> amr, OffsetDateTime now, String sessionSid) {
    return c.preparedQuery("INSERT INTO token_family (id, client_id, user_id, scopes, audiences, auth_time, acr, amr,"
            + " created_at, expires_at, session_sid) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
        .execute(Tuple.of(family, clientId, userId, new JsonArray(List.copyOf(scopes)),
            new JsonArray(audiences), authTime.atOffset(ZoneOffset.UTC), acr, new JsonArray(amr), now,
            now.plus(refreshLifetime), sessionSid));
  }

  @Override
  public Future<String> createFamily(String clientId, String userId, Set<String> scopes, List<String> audiences,
      Instant authTime, String acr, List<String> amr) {
    String family = UUID.randomUUID().toString();
    return insertFamily(pool, family, clientId, userId, scopes, audiences, authTime, acr, amr, now(), null)
        .map(v -> family);
  }

  @Override
  public Future<Outcome<Code>> redeemCode(String code) {
    String hash = Opaque.hash(code);
    return pool.preparedQuery("UPDATE authorization_code SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL"
            + " RETURNING family_id, client_id, redirect_uri, code_challenge, nonce, expires_at")
        .execute(Tuple.of(hash, now()))
        .compose(rows -> {
          if (rows.size() == 1) {
            Row r = rows.iterator().next();
            return family(r.getString("family_id")).map(f -> (Outcome<Code>) new Valid<>(new Code(f.orElseThrow(),
                r.getString("client_id"), r.getString("redirect_uri"), r.getString("code_challenge"),
                r.getString("nonce"), r.getOffsetDateTime("expires_at").toInstant())));
          }
          return pool.preparedQuery("SELECT family_id FROM authorization_code WHERE code_hash = $1").execute(Tuple.of(hash))
              .map(used -> used.size() == 1 ? new Reused<>(used.iterator().next().getString(0)) : new Unknown<>());
        });
  }

  @Override
  public Future<Optional<Family>> family(String id) {
    return pool.preparedQuery("SELECT * FROM token_family WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toFamily(rows.iterator().next())));
  }

  private static Family toFamily(Row r) {
    Set<String> scopes = new LinkedHashSet<>();
    r.getJsonArray("scopes").forEach(s -> scopes.add((String) s));
    return new Family(r.getString("id"), r.getString("client_id"), r.getString("user_id"), scopes,
        r.getJsonArray("audiences").stream().map(String::valueOf).toList(),
        r.getOffsetDateTime("auth_time").toInstant(), r.getString("acr"),
        r.getJsonArray("amr").stream().map(String::valueOf).toList(),
        r.getOffsetDateTime("expires_at").toInstant(), r.getOffsetDateTime("revoked_at") != null,
        r.getString("session_sid"));
  }

  @Override
  public Future<Void> recordAccessToken(String familyId, AccessTokens.Issued token) {
    // Read the family's state only after the insert committed: a revokeFamily that ran meanwhile (e.g. a code or
    // refresh token reused concurrently) either saw this token or had marked the family revoked before this read.
    return pool.preparedQuery("INSERT INTO family_access_token (jti, family_id, expires_at) VALUES ($1, $2, $3)")
        .execute(Tuple.of(token.jti(), familyId, token.expiresAt().atOffset(ZoneOffset.UTC)))
        .compose(v -> pool.preparedQuery("SELECT client_id FROM token_family WHERE id = $1 AND revoked_at IS NOT NULL")
            .execute(Tuple.of(familyId)))
        .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
            : revoked.revoke(token.jti(), rows.iterator().next().getString(0), token.expiresAt()));
  }

  @Override
  public Future<String> issueRefreshToken(Family family) {
    String token = Opaque.random();
    return pool.preparedQuery("INSERT INTO refresh_token (token_hash, family_id, scopes, created_at, expires_at)"
            + " VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(Opaque.hash(token), family.id(), new JsonArray(List.copyOf(family.scopes())), now(),
            family.expiresAt().atOffset(ZoneOffset.UTC)))
        .map(v -> token);
  }

  @Override
  public Future<Outcome<Family>> findRefreshToken(String token) {
    return pool.preparedQuery("SELECT family_id, rotated_at, expires_at FROM refresh_token WHERE token_hash = $1")
        .execute(Tuple.of(Opaque.hash(token)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Unknown<>());
          }
          Row r = rows.iterator().next();
          if (r.getOffsetDateTime("rotated_at") != null) {
            return Future.succeededFuture(new Reused<>(r.getString("family_id")));
          }
          if (!r.getOffsetDateTime("expires_at").toInstant().isAfter(clock.instant())) {
            return Future.succeededFuture(new Unknown<>());
          }
          return family(r.getString("family_id")).map(f -> f.<Outcome<Family>>map(Valid::new).orElse(new Unknown<>()));
        });
  }

  @Override
  public Future<Boolean> rotateRefreshToken(String token) {
    return pool.preparedQuery("UPDATE refresh_token SET rotated_at = $2 WHERE token_hash = $1 AND rotated_at IS NULL")
        .execute(Tuple.of(Opaque.hash(token), now()))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Void> revokeFamily(String familyId) {
    return revokeFamilies("id = $1", Tuple.of(familyId));
  }

  @Override
  public Future<List<String>> clientsOfSession(String sid) {
    return pool.preparedQuery("SELECT DISTINCT f.client_id FROM token_family f WHERE f.session_sid = $1"
            + " AND EXISTS (SELECT 1 FROM family_access_token a WHERE a.family_id = f.id) ORDER BY f.client_id")
        .execute(Tuple.of(sid))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  @Override
  public Future<Void> revokeSession(String sid) {
    return revokeFamilies("session_sid = $1", Tuple.of(sid));
  }

  @Override
  public Future<Void> revokeClientGrants(String userId, String clientId) {
    return revokeFamilies("user_id = $1 AND client_id = $2", Tuple.of(userId, clientId));
  }

  @Override
  public Future<Void> revokeSession(Transaction tx, String sid) {
    return revokeFamilies(PgTransactions.client(tx), "session_sid = $1", Tuple.of(sid))
        .map(tokens -> {
          tx.afterCommit(() -> revoked.remember(tokens));
          return null;
        });
  }

  /**
   * Revokes the families {@code where} selects (with {@code params}) in one transaction: all of it or nothing,
   * and again without harm (a family keeps its first revocation time). The families are locked first
   * ({@code FOR UPDATE}, which also holds off a concurrent {@link #recordAccessToken} of theirs until the commit, so
   * that one sees the family revoked and revokes its token itself); then their refresh tokens are used up and their
   * unexpired access tokens written to the revocation list, which counts them here once committed.
   */
  private Future<Void> revokeFamilies(String where, Tuple params) {
    return pool.withTransaction(tx -> revokeFamilies(tx, where, params))
        .map(tokens -> {
          revoked.remember(tokens);
          return null;
        });
  }

  /** The revocation's statements on {@code tx}; returns the access tokens to count as revoked after the commit. */
  private Future<List<PgRevokedTokens.Revocation>> revokeFamilies(SqlClient tx, String where, Tuple params) {
    OffsetDateTime now = now();
    return tx.preparedQuery("SELECT id FROM token_family WHERE " + where + " ORDER BY id FOR UPDATE")
        .execute(params)
        .compose(locked -> {
          if (locked.size() == 0) {
            return Future.succeededFuture(List.<PgRevokedTokens.Revocation>of());
          }
          String[] ids = new String[locked.size()];
          int i = 0;
          for (Row r : locked) {
            ids[i++] = r.getString(0);
          }
          return tx.preparedQuery("UPDATE token_family SET revoked_at = $2 WHERE id = ANY($1) AND revoked_at IS NULL")
              .execute(Tuple.of(ids, now))
              .compose(v -> tx.preparedQuery("UPDATE refresh_token SET rotated_at = $2 WHERE family_id = ANY($1)"
                  + " AND rotated_at IS NULL").execute(Tuple.of(ids, now)))
              .compose(v -> tx.preparedQuery("SELECT a.jti, t.client_id, a.expires_at FROM family_access_token a"
                  + " JOIN token_family t ON t.id = a.family_id WHERE a.family_id = ANY($1) AND a.expires_at > $2")
                  .execute(Tuple.of(ids, now)))
              .compose(rows -> {
                List<PgRevokedTokens.Revocation> tokens = new ArrayList<>();
                rows.forEach(r -> tokens.add(new PgRevokedTokens.Revocation(r.getString(0), r.getString(1),
                    r.getOffsetDateTime(2).toInstant())));
                return revoked.write(tx, tokens).map(tokens);
              });
        });
  }


  @Override
  public Future<Optional<AccessTokenGrant>> grantOfAccessToken(String jti) {
    return pool.preparedQuery("SELECT t.id, t.user_id, t.revoked_at FROM family_access_token f JOIN token_family t"
            + " ON t.id = f.family_id WHERE f.jti = $1").execute(Tuple.of(jti))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new AccessTokenGrant(r.getString(0), r.getString(1), r.getOffsetDateTime(2) != null));
        });
  }

  @Override
  public Future<Optional<RefreshTokenState>> describeRefreshToken(String token) {
    return pool.preparedQuery("SELECT family_id, scopes, created_at, expires_at FROM refresh_token WHERE token_hash = $1"
            + " AND rotated_at IS NULL AND expires_at > $2")
        .execute(Tuple.of(Opaque.hash(token), now()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<RefreshTokenState>empty());
          }
          Row r = rows.iterator().next();
          Set<String> scopes = new LinkedHashSet<>();
          r.getJsonArray("scopes").forEach(sc -> scopes.add((String) sc));
          Instant created = r.getOffsetDateTime("created_at").toInstant();
          Instant expires = r.getOffsetDateTime("expires_at").toInstant();
          return family(r.getString("family_id")).map(f -> f.filter(fam -> !fam.revoked())
              .map(fam -> new RefreshTokenState(fam, scopes, created, expires)));
        });
  }

  @Override
  public Future<Optional<Family>> familyOfRefreshToken(String token) {
    return pool.preparedQuery("SELECT family_id FROM refresh_token WHERE token_hash = $1")
        .execute(Tuple.of(Opaque.hash(token)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<Family>empty())
            : family(rows.iterator().next().getString(0)));
  }

  @Override
  public Future<Void> purgeExpired() {
    OffsetDateTime cutoff = now().minusDays(1);
    return pool.preparedQuery("DELETE FROM token_family WHERE expires_at < $1").execute(Tuple.of(cutoff))
        .compose(v -> pool.preparedQuery("DELETE FROM authorization_code WHERE expires_at < $1")
            .execute(Tuple.of(cutoff))).mapEmpty();
  }
}
