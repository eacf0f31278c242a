package eu.panosc.broker.store;

import static eu.panosc.broker.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Share;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link AccessStore} guarantees; each implementation runs it (sessions come from its BrokerStore). */
abstract class AccessStoreContract {
  abstract AccessStore store();

  abstract BrokerStore sessions();

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  String session() {
    String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    await(sessions().create(Fixtures.session(id, "u-" + id, null, new Resources(1, 1, 0), SessionState.RUNNING),
        new Quota(10, Optional.empty())));
    return id;
  }

  static Share user(String id, String session, String grantee, Share.Mode mode) {
    return new Share(id, session, Optional.of(grantee), Optional.empty(), Optional.empty(), mode, "owner", T0,
        Optional.of(T0.plusSeconds(3600)), Optional.empty());
  }

  @Test
  void putShareWhenReadBackThenEveryFieldEqualOldestFirst() {
    AccessStore s = store();
    String session = session();
    Share a = user("sh-a-" + session, session, "bob", Share.Mode.READ_ONLY);
    Share inv = new Share("sh-i-" + session, session, Optional.empty(), Optional.of("ab".repeat(32) + session),
        Optional.empty(), Share.Mode.INTERACTIVE, "owner", T0.plusSeconds(1), Optional.of(T0.plusSeconds(60)),
        Optional.empty());
    Share redeemed = new Share("sh-r-" + session, session, Optional.of("carol"), Optional.empty(),
        Optional.of(inv.id()), Share.Mode.INTERACTIVE, "owner", T0.plusSeconds(2), Optional.empty(), Optional.empty());
    await(s.putShare(redeemed));
    await(s.putShare(a));
    await(s.putShare(inv));
    assertThat(await(s.shares(session))).containsExactly(a, inv, redeemed);
    assertThat(await(s.shares("other"))).isEmpty();
    assertThat(await(s.invitation("ab".repeat(32) + session))).contains(inv);
    assertThat(await(s.invitation("nope"))).isEmpty();
    assertThatThrownBy(() -> await(s.putShare(a))).isNotNull();
  }

  @Test
  void revokeWhenInvitationThenItAndItsRedeemedSharesEndButOthersStay() {
    AccessStore s = store();
    String session = session();
    Share other = user("sh-o-" + session, session, "bob", Share.Mode.READ_ONLY);
    Share inv = new Share("sh-i-" + session, session, Optional.empty(), Optional.of("cd".repeat(32) + session),
        Optional.empty(), Share.Mode.INTERACTIVE, "owner", T0, Optional.empty(), Optional.empty());
    Share redeemed = new Share("sh-r-" + session, session, Optional.of("carol"), Optional.empty(),
        Optional.of(inv.id()), Share.Mode.INTERACTIVE, "owner", T0, Optional.empty(), Optional.empty());
    await(s.putShare(other));
    await(s.putShare(inv));
    await(s.putShare(redeemed));
    assertThat(await(s.revoke(session, inv.id(), T0.plusSeconds(5)))).isEqualTo(2);
    assertThat(await(s.revoke(session, inv.id(), T0.plusSeconds(6)))).isZero();
    assertThat(await(s.revoke("other-session", other.id(), T0))).isZero();
    var after = await(s.shares(session));
    assertThat(after).filteredOn(x -> x.revokedAt().isPresent()).extracting(Share::id)
        .containsExactlyInAnyOrder(inv.id(), redeemed.id());
    assertThat(after).filteredOn(x -> x.id().equals(inv.id())).first()
        .satisfies(x -> assertThat(x.revokedAt()).contains(T0.plusSeconds(5)));
    assertThat(after).filteredOn(x -> x.id().equals(other.id())).first()
        .satisfies(x -> assertThat(x.activeAt(T0.plusSeconds(10))).isTrue());
  }

  @Test
  void logWhenAppendedThenReadBackInOrderPerSession() {
    AccessStore s = store();
    String session = session();
    AccessRecord first = new AccessRecord(session, "bob", Optional.of("sh1"), true, "shared READ_ONLY", T0);
    AccessRecord second = new AccessRecord(session, "dave", Optional.empty(), false, "the PDP refused", T0.plusSeconds(1));
    await(s.log(first));
    await(s.log(second));
    await(s.log(new AccessRecord("other-" + session, "bob", Optional.empty(), true, "x", T0)));
    assertThat(await(s.accessLog(session))).containsExactly(first, second);
  }

  @Test
  void cookieKeyWhenAskedTwiceThenTheFirstStoredKeyStays() {
    AccessStore s = store();
    byte[] one = new byte[32];
    byte[] two = new byte[32];
    one[0] = 1;
    two[0] = 2;
    byte[] k1 = await(s.cookieKey(one));
    byte[] k2 = await(s.cookieKey(two));
    assertThat(k2).isEqualTo(k1).hasSize(32);
  }
}
