package eu.panosc.aai.token;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.aai.store.Transactions;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GrantStore} must do: codes and refresh tokens work once (also when used concurrently), reuse
 * names the family, revoking a family revokes its refresh and access tokens, expiry follows the injected clock. A
 * backend's test extends this; users and keys are fresh per test, so a shared database does no harm.
 */
public abstract class GrantStoreContract {
  protected static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  protected static final Duration REFRESH_LIFETIME = Duration.ofHours(1);
  private static final Instant START = Instant.parse("2031-03-01T10:00:00Z");

  protected MutableClock clock;
  protected RevokedTokens revoked;
  protected GrantStore store;

  /** A revocation list on {@code clock}. */
  protected abstract RevokedTokens newRevokedTokens(Clock clock);

  /** The store under test, with these lifetimes, revoking access tokens through {@code revoked}. */
  protected abstract GrantStore newStore(Clock clock, RevokedTokens revoked, Duration codeLifetime,
      Duration refreshLifetime);

  /** The transactions of the store's backend. */
  protected abstract Transactions transactions();

  /** Makes sure user {@code id} exists (grants belong to known users); returns it. */
  protected abstract String existingUser(String id);

  @BeforeEach
  void newStores() {
    clock = new MutableClock(START);
    revoked = newRevokedTokens(clock);
    store = newStore(clock, revoked, CODE_LIFETIME, REFRESH_LIFETIME);
  }

  protected String user() {
    return existingUser("grant-user-" + UUID.randomUUID());
  }

  private String code(String user, String sid) {
    return store.issueCode("client-a", user, Set.of("openid", "profile"), List.of("aud-1"), START, "acr-1",
        List.of("pwd"), "https://client.example/cb", "challenge", "nonce-1", sid).await();
  }

  protected GrantStore.Family family(String user, String sid) {
    String code = code(user, sid);
    return ((GrantStore.Valid<GrantStore.Code>) store.redeemCode(code).await()).value().family();
  }

  protected AccessTokens.Issued accessToken(Duration lifetime) {
    return new AccessTokens.Issued("jwt", "jti-" + UUID.randomUUID(), clock.instant().plus(lifetime), Set.of("openid"),
        List.of("aud-1"));
  }

  @Test
  void redeemCodeWhenIssuedThenValidWithItsBindingsAndFamily() {
    String user = user();
    String code = code(user, "sid-1");

    GrantStore.Outcome<GrantStore.Code> outcome = store.redeemCode(code).await();

    assertThat(outcome).isInstanceOfSatisfying(GrantStore.Valid.class, v -> {
      GrantStore.Code c = (GrantStore.Code) v.value();
      assertThat(c.clientId()).isEqualTo("client-a");
      assertThat(c.redirectUri()).isEqualTo("https://client.example/cb");
      assertThat(c.codeChallenge()).isEqualTo("challenge");
      assertThat(c.nonce()).isEqualTo("nonce-1");
      assertThat(c.expiresAt()).isEqualTo(START.plus(CODE_LIFETIME));
      assertThat(c.family().userId()).isEqualTo(user);
      assertThat(c.family().scopes()).containsExactlyInAnyOrder("openid", "profile");
      assertThat(c.family().audiences()).containsExactly("aud-1");
      assertThat(c.family().amr()).containsExactly("pwd");
      assertThat(c.family().sessionSid()).isEqualTo("sid-1");
      assertThat(c.family().revoked()).isFalse();
      assertThat(c.family().expiresAt()).isEqualTo(START.plus(REFRESH_LIFETIME));
    });
  }

  @Test
  void redeemCodeWhenUsedBeforeThenReusedNamingItsFamily() {
    String code = code(user(), null);
    String family = ((GrantStore.Valid<GrantStore.Code>) store.redeemCode(code).await()).value().family().id();

    assertThat(store.redeemCode(code).await()).isEqualTo(new GrantStore.Reused<>(family));
  }

  @Test
  void redeemCodeWhenUnknownOrNotACodeThenUnknown() {
    for (String garbage : List.of("", "nope", "a\u0000b", "\ud800", "x".repeat(100_000))) {
      assertThat(store.redeemCode(garbage).await()).as(garbage.length() + " chars").isEqualTo(new GrantStore.Unknown<>());
    }
  }

  @Test
  void redeemCodeWhenManyRedeemAtOnceThenExactlyOneIsValid() {
    String code = code(user(), null);
    List<Future<GrantStore.Outcome<GrantStore.Code>>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(store.redeemCode(code));
    }
    Future.join(all).await();

    assertThat(all).filteredOn(f -> f.result() instanceof GrantStore.Valid).hasSize(1);
    assertThat(all).filteredOn(f -> f.result() instanceof GrantStore.Reused).hasSize(15);
  }

  @Test
  void redeemCodeWhenItsLifetimePassedThenItReportsTheExpiryTheCallerRefuses() {
    String code = code(user(), null);
    clock.advance(CODE_LIFETIME.plusSeconds(1));

    GrantStore.Outcome<GrantStore.Code> outcome = store.redeemCode(code).await();

    assertThat(((GrantStore.Valid<GrantStore.Code>) outcome).value().expiresAt()).isBefore(clock.instant());
    assertThat(store.redeemCode(code).await()).isInstanceOf(GrantStore.Reused.class);
  }

  @Test
  void createFamilyWhenReadThenHasNoSessionAndIsNotRevoked() {
    String user = user();
    String id = store.createFamily("client-d", user, Set.of("openid"), List.of(), START, "acr", List.of()).await();

    Optional<GrantStore.Family> family = store.family(id).await();

    assertThat(family).hasValueSatisfying(f -> {
      assertThat(f.clientId()).isEqualTo("client-d");
      assertThat(f.sessionSid()).isNull();
      assertThat(f.revoked()).isFalse();
    });
    assertThat(store.family("no-such-family").await()).isEmpty();
  }

  @Test
  void rotateRefreshTokenWhenUsedThenWorksOnceAndTheOldTokenIsReported() {
    GrantStore.Family family = family(user(), null);
    String token = store.issueRefreshToken(family).await();

    assertThat(store.findRefreshToken(token).await()).isInstanceOfSatisfying(GrantStore.Valid.class,
        v -> assertThat(((GrantStore.Family) v.value()).id()).isEqualTo(family.id()));
    assertThat(store.describeRefreshToken(token).await()).hasValueSatisfying(s -> {
      assertThat(s.issuedAt()).isEqualTo(START);
      assertThat(s.expiresAt()).isEqualTo(family.expiresAt());
    });
    assertThat(store.rotateRefreshToken(token).await()).isTrue();
    assertThat(store.rotateRefreshToken(token).await()).isFalse();
    assertThat(store.findRefreshToken(token).await()).isEqualTo(new GrantStore.Reused<>(family.id()));
    assertThat(store.describeRefreshToken(token).await()).isEmpty();
    assertThat(store.familyOfRefreshToken(token).await()).map(GrantStore.Family::id).contains(family.id());
  }

  @Test
  void rotateRefreshTokenWhenManyRotateAtOnceThenExactlyOneWins() {
    String token = store.issueRefreshToken(family(user(), null)).await();
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(store.rotateRefreshToken(token));
    }
    Future.join(all).await();

    assertThat(all).filteredOn(Future::result).hasSize(1);
  }

  @Test
  void findRefreshTokenWhenUnknownOrNotATokenThenUnknownAndNothingDescribed() {
    for (String garbage : List.of("", "nope", "a\u0000b", "x".repeat(100_000))) {
      assertThat(store.findRefreshToken(garbage).await()).isEqualTo(new GrantStore.Unknown<>());
      assertThat(store.describeRefreshToken(garbage).await()).isEmpty();
      assertThat(store.familyOfRefreshToken(garbage).await()).isEmpty();
      assertThat(store.rotateRefreshToken(garbage).await()).isFalse();
    }
  }

  @Test
  void findRefreshTokenWhenTheFamilyExpiredThenUnknownAndNothingDescribed() {
    String token = store.issueRefreshToken(family(user(), null)).await();
    clock.advance(REFRESH_LIFETIME);

    assertThat(store.findRefreshToken(token).await()).isEqualTo(new GrantStore.Unknown<>());
    assertThat(store.describeRefreshToken(token).await()).isEmpty();
  }

  @Test
  void revokeFamilyWhenTokensWereIssuedThenRefreshTokensStopAndAccessTokensAreRevoked() {
    GrantStore.Family family = family(user(), null);
    String refresh = store.issueRefreshToken(family).await();
    AccessTokens.Issued at = accessToken(Duration.ofMinutes(5));
    store.recordAccessToken(family.id(), at).await();
    assertThat(store.grantOfAccessToken(at.jti()).await())
        .contains(new GrantStore.AccessTokenGrant(family.id(), family.userId(), false));

    store.revokeFamily(family.id()).await();
    store.revokeFamily(family.id()).await(); // idempotent

    assertThat(store.family(family.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isTrue());
    assertThat(store.rotateRefreshToken(refresh).await()).isFalse();
    assertThat(store.describeRefreshToken(refresh).await()).isEmpty();
    assertThat(store.findRefreshToken(refresh).await()).isNotInstanceOf(GrantStore.Valid.class);
    assertThat(revoked.isRevoked(at.jti())).isTrue();
    assertThat(store.grantOfAccessToken(at.jti()).await())
        .contains(new GrantStore.AccessTokenGrant(family.id(), family.userId(), true));
  }

  @Test
  void recordAccessTokenWhenTheFamilyWasRevokedMeanwhileThenTheTokenIsRevokedToo() {
    // a code redeemed by two requests at once: the loser revokes the family while the winner still issues tokens
    GrantStore.Family family = family(user(), null);
    store.revokeFamily(family.id()).await();
    AccessTokens.Issued late = accessToken(Duration.ofMinutes(5));

    store.recordAccessToken(family.id(), late).await();

    assertThat(revoked.isRevoked(late.jti())).isTrue();
  }

  @Test
  void revokeFamilyWhenAccessTokensAreRecordedMeanwhileThenEveryOneOfThemIsRevoked() {
    GrantStore.Family family = family(user(), null);
    List<AccessTokens.Issued> issued = new ArrayList<>();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      AccessTokens.Issued at = accessToken(Duration.ofMinutes(5));
      issued.add(at);
      all.add(store.recordAccessToken(family.id(), at));
      if (i == 5) {
        all.add(store.revokeFamily(family.id()));
      }
    }
    Future.all(all).await();

    assertThat(issued).allSatisfy(at -> assertThat(revoked.isRevoked(at.jti())).as(at.jti()).isTrue());
  }

  @Test
  void issueRefreshTokenWhenTheFamilyWasRevokedMeanwhileThenTheTokenIsNotValid() {
    GrantStore.Family family = family(user(), null);
    store.revokeFamily(family.id()).await();

    String late = store.issueRefreshToken(family).await();

    assertThat(store.findRefreshToken(late).await()).satisfiesAnyOf(
        o -> assertThat(o).isNotInstanceOf(GrantStore.Valid.class),
        o -> assertThat(((GrantStore.Valid<GrantStore.Family>) o).value().revoked()).isTrue());
    assertThat(store.describeRefreshToken(late).await()).isEmpty();
  }

  @Test
  void revokeSessionWhenGrantsOfTwoSessionsThenOnlyThatSessionsGrantsAreRevokedAndItsClientsListed() {
    String user = user();
    String sid = "sid-" + UUID.randomUUID();
    String other = "sid-" + UUID.randomUUID();
    GrantStore.Family a = family(user, sid);
    GrantStore.Family kept = family(user, other);
    String unused = code(user, sid);
    store.recordAccessToken(a.id(), accessToken(Duration.ofMinutes(5))).await();
    store.recordAccessToken(kept.id(), accessToken(Duration.ofMinutes(5))).await();

    assertThat(store.clientsOfSession(sid).await()).containsExactly("client-a");
    store.revokeSession(sid).await();

    assertThat(store.family(a.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isTrue());
    assertThat(store.family(kept.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isFalse());
    GrantStore.Outcome<GrantStore.Code> late = store.redeemCode(unused).await();
    assertThat(late).satisfiesAnyOf(
        o -> assertThat(o).isNotInstanceOf(GrantStore.Valid.class),
        o -> assertThat(((GrantStore.Valid<GrantStore.Code>) o).value().family().revoked()).isTrue());
    assertThat(store.clientsOfSession("sid-none").await()).isEmpty();
  }

  @Test
  void revokeSessionWhenInATransactionThatRollsBackThenNothingIsRevokedAndWhenCommittedAllIs() throws Exception {
    String sid = "sid-" + UUID.randomUUID();
    GrantStore.Family family = family(user(), sid);
    AccessTokens.Issued at = accessToken(Duration.ofMinutes(5));
    store.recordAccessToken(family.id(), at).await();

    assertThat(StoreFailures.of(transactions().inTransaction(tx -> store.revokeSession(tx, sid)
        .compose(v -> Future.failedFuture(new IllegalStateException("later step failed")))))).isNotNull();

    assertThat(store.family(family.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isFalse());
    assertThat(revoked.isRevoked(at.jti())).isFalse();

    transactions().inTransaction(tx -> store.revokeSession(tx, sid)).await();

    assertThat(store.family(family.id()).await()).hasValueSatisfying(f -> assertThat(f.revoked()).isTrue());
    assertThat(revoked.isRevoked(at.jti())).as("counted once committed").isTrue();
  }

  @Test
  void purgeExpiredWhenAFamilyExpiredADayAgoThenItAndItsTokensAreGone() {
    GrantStore.Family family = family(user(), null);
    String refresh = store.issueRefreshToken(family).await();
    clock.advance(REFRESH_LIFETIME.plusDays(1).plusSeconds(1));

    store.purgeExpired().await();

    assertThat(store.family(family.id()).await()).isEmpty();
    assertThat(store.familyOfRefreshToken(refresh).await()).isEmpty();
  }
}
