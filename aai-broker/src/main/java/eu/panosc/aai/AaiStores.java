package eu.panosc.aai;

import eu.panosc.aai.authorize.PgPushedRequests;
import eu.panosc.aai.authorize.PushedRequests;
import eu.panosc.aai.device.DeviceCodes;
import eu.panosc.aai.device.PgDeviceCodes;
import eu.panosc.aai.logout.LogoutOutbox;
import eu.panosc.aai.register.PendingRegistrations;
import eu.panosc.aai.register.PgPendingRegistrations;
import eu.panosc.aai.logout.PgLogoutOutbox;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.PendingAuthorizations;
import eu.panosc.aai.session.PgConsents;
import eu.panosc.aai.session.PgPendingAuthorizations;
import eu.panosc.aai.session.PgSessions;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.PgGrantStore;
import eu.panosc.aai.token.PgRevokedTokens;
import eu.panosc.aai.token.RevokedTokens;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Every store of the aai-broker, in one place: each an interface of its feature package, here with its PostgreSQL
 * implementation (schema {@code aai}); {@code transactions} lets a service write to several stores atomically
 * without seeing SQL types.
 */
record AaiStores(Users users, Sessions sessions, Consents consents, PendingAuthorizations pending,
    PushedRequests pushed, GrantStore grants, RevokedTokens revoked, DeviceCodes devices, LogoutOutbox outbox,
    Transactions transactions, PendingRegistrations registrations) {
  /** Authorization codes are valid this long (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  /** How long a login or consent form stays usable. */
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(15);
  /** A pushed authorization request's {@code request_uri} is valid this long (RFC 9126 §2.2: short). */
  static final Duration PAR_LIFETIME = Duration.ofSeconds(60);

  AaiStores {
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(consents, "consents");
    Objects.requireNonNull(pending, "pending");
    Objects.requireNonNull(pushed, "pushed");
    Objects.requireNonNull(grants, "grants");
    Objects.requireNonNull(revoked, "revoked");
    Objects.requireNonNull(devices, "devices");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(transactions, "transactions");
    Objects.requireNonNull(registrations, "registrations");
  }

  /**
   * The PostgreSQL stores on {@code pool} (whose search path is the {@code aai} schema); {@code envelopes} seal what
   * they keep of upstream tokens.
   */
  static AaiStores postgres(Pool pool, Clock clock, AaiSettings settings, EnvelopeEncryption envelopes) {
    PgRevokedTokens revoked = new PgRevokedTokens(pool, clock);
    return new AaiStores(
        new PgUsers(pool, clock),
        new PgSessions(pool, clock, settings.sessionLifetime()),
        new PgConsents(pool, clock),
        new PgPendingAuthorizations(pool, clock, PENDING_LIFETIME),
        new PgPushedRequests(pool, clock, PAR_LIFETIME),
        new PgGrantStore(pool, clock, revoked, CODE_LIFETIME, settings.refreshTokenLifetime()),
        revoked,
        new PgDeviceCodes(pool, clock, settings.deviceCodeLifetime(), settings.devicePollInterval()),
        new PgLogoutOutbox(pool),
        new PgTransactions(pool),
        new PgPendingRegistrations(pool, clock, PENDING_LIFETIME, envelopes));
  }
}
