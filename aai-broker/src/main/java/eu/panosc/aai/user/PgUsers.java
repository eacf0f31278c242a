package eu.panosc.aai.user;

import eu.panosc.aai.protocol.Storable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/** {@link Users} in PostgreSQL ({@code aai.app_user}). */
public final class PgUsers implements Users {
  private final Pool pool;
  private final Clock clock;

  public PgUsers(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<User> recordLogin(UpstreamIdentity identity) {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    JsonObject attributes = identity.attributes();
    return Storable.checked("user", new JsonObject().put("id", identity.userId()).put("attributes", attributes))
        .compose(checked -> pool.preparedQuery("INSERT INTO app_user (id, attributes, first_login, last_login)"
                + " VALUES ($1, $2, $3, $3)"
                + " ON CONFLICT (id) DO UPDATE SET attributes = CASE WHEN app_user.terms_version IS NULL"
                + " THEN EXCLUDED.attributes ELSE EXCLUDED.attributes || jsonb_build_object('name',"
                + " app_user.attributes->'name', 'email', app_user.attributes->'email', 'email_verified',"
                + " app_user.attributes->'email_verified') END, last_login = EXCLUDED.last_login RETURNING attributes")
            .execute(Tuple.of(identity.userId(), attributes, now)))
        .map(rows -> new User(identity.userId(), (JsonObject) rows.iterator().next().getValue(0)));
  }

  @Override
  public Future<Optional<String>> acceptedTerms(String id) {
    return pool.preparedQuery("SELECT terms_version FROM app_user WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  @Override
  public Future<User> register(UpstreamIdentity identity, boolean emailVerified, String termsVersion) {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    JsonObject attributes = identity.attributes().put("email_verified", emailVerified);
    return Storable.checked("user", new JsonObject().put("id", identity.userId()).put("attributes", attributes)
            .put("terms", termsVersion))
        .compose(checked -> pool.preparedQuery("INSERT INTO app_user (id, attributes, first_login, last_login,"
                + " terms_version, terms_accepted_at, email_verified) VALUES ($1, $2, $3, $3, $4, $3, $5)"
                + " ON CONFLICT (id) DO UPDATE SET attributes = EXCLUDED.attributes, last_login = EXCLUDED.last_login,"
                + " terms_version = EXCLUDED.terms_version, terms_accepted_at = EXCLUDED.terms_accepted_at,"
                + " email_verified = EXCLUDED.email_verified")
            .execute(Tuple.of(identity.userId(), attributes, now, termsVersion, emailVerified)))
        .map(v -> new User(identity.userId(), attributes));
  }

  @Override
  public Future<Optional<User>> find(String id) {
    return pool.preparedQuery("SELECT attributes FROM app_user WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new User(id, (JsonObject) rows.iterator().next().getValue(0))));
  }
}
