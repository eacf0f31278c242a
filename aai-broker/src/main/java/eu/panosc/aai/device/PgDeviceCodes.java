package eu.panosc.aai.device;

import eu.panosc.aai.protocol.Opaque;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/** {@link DeviceCodes} in PostgreSQL; device codes are stored as SHA-256. */
public final class PgDeviceCodes implements DeviceCodes {
  private static final int ATTEMPTS = 5;

  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;
  private final int interval;

  public PgDeviceCodes(Pool pool, Clock clock, Duration lifetime, Duration interval) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.interval = (int) Math.max(1, interval.toSeconds());
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<Started> start(String clientId, List<String> scopes, List<String> audiences) {
    return start(clientId, scopes, audiences, ATTEMPTS);
  }

  private Future<Started> start(String clientId, List<String> scopes, List<String> audiences, int attempts) {
    String deviceCode = Opaque.random();
    String userCode = UserCodes.generate();
    String userHash = Opaque.hash(userCode);
    OffsetDateTime now = now();
    OffsetDateTime expires = now.plus(lifetime);
    return pool.withTransaction(c -> c.preparedQuery("DELETE FROM device_authorization WHERE user_code_hash = $1"
                + " AND status = 'pending' AND expires_at <= $2").execute(Tuple.of(userHash, now))
            .compose(v -> c.preparedQuery("INSERT INTO device_authorization (device_code_hash, user_code_hash,"
                    + " client_id, scopes, audiences, interval_seconds, created_at, expires_at)"
                    + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8)")
                .execute(Tuple.from(List.of(Opaque.hash(deviceCode), userHash, clientId, new JsonArray(scopes),
                    new JsonArray(audiences), interval, now, expires)))))
        .map(v -> new Started(deviceCode, userCode, expires.toInstant(), interval))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()) && attempts > 1
            ? start(clientId, scopes, audiences, attempts - 1) : Future.failedFuture(e));
  }

  @Override
  public Future<Lookup> findByUserCode(String canonicalUserCode) {
    return pool.preparedQuery("SELECT device_code_hash, client_id, scopes, audiences, status, expires_at"
            + " FROM device_authorization WHERE user_code_hash = $1 ORDER BY created_at DESC LIMIT 1")
        .execute(Tuple.of(Opaque.hash(canonicalUserCode)))
        .map(rows -> {
          if (rows.size() == 0) {
            return new NotFound();
          }
          Row r = rows.iterator().next();
          if (!"pending".equals(r.getString("status"))) {
            return new Used();
          }
          Instant expires = r.getOffsetDateTime("expires_at").toInstant();
          if (!expires.isAfter(clock.instant())) {
            return new Expired();
          }
          return new Pending(new Request(r.getString("device_code_hash"), r.getString("client_id"),
              strings(r.getJsonArray("scopes")), strings(r.getJsonArray("audiences")), expires));
        });
  }

  private static List<String> strings(JsonArray a) {
    return a.stream().map(String::valueOf).toList();
  }

  @Override
  public Future<Boolean> approve(String id, String familyId) {
    return decide(id, "approved", familyId);
  }

  @Override
  public Future<Boolean> deny(String id) {
    return decide(id, "denied", null);
  }

  private Future<Boolean> decide(String id, String status, String familyId) {
    return pool.preparedQuery("UPDATE device_authorization SET status = $2, family_id = $3 WHERE device_code_hash = $1"
            + " AND status = 'pending' AND expires_at > $4")
        .execute(Tuple.of(id, status, familyId, now()))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Poll> poll(String deviceCode, String clientId) {
    String hash = Opaque.hash(deviceCode);
    OffsetDateTime now = now();
    return pool.withTransaction(c -> c.preparedQuery("SELECT client_id, status, interval_seconds, last_polled_at,"
            + " family_id, expires_at FROM device_authorization WHERE device_code_hash = $1 FOR UPDATE")
        .execute(Tuple.of(hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new UnknownCode());
          }
          Row r = rows.iterator().next();
          if (!r.getString("client_id").equals(clientId)) {
            return Future.succeededFuture(new OtherClient());
          }
          String status = r.getString("status");
          if ("redeemed".equals(status)) {
            return Future.succeededFuture(new AlreadyRedeemed());
          }
          if (!r.getOffsetDateTime("expires_at").isAfter(now)) {
            return Future.succeededFuture(new ExpiredCode());
          }
          if ("denied".equals(status)) {
            return Future.succeededFuture(new Denied());
          }
          if ("approved".equals(status)) {
            return c.preparedQuery("UPDATE device_authorization SET status = 'redeemed', last_polled_at = $2"
                    + " WHERE device_code_hash = $1").execute(Tuple.of(hash, now))
                .map(v -> new Approved(r.getString("family_id")));
          }
          int current = r.getInteger("interval_seconds");
          OffsetDateTime last = r.getOffsetDateTime("last_polled_at");
          boolean tooFast = last != null && now.isBefore(last.plusSeconds(current));
          int next = tooFast ? current + SLOW_DOWN_STEP : current;
          return c.preparedQuery("UPDATE device_authorization SET last_polled_at = $2, interval_seconds = $3"
                  + " WHERE device_code_hash = $1").execute(Tuple.of(hash, now, next))
              .map(v -> tooFast ? new SlowDown(next) : new StillPending(next));
        }));
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM device_authorization WHERE expires_at < $1")
        .execute(Tuple.of(now().minusDays(1))).mapEmpty();
  }
}
