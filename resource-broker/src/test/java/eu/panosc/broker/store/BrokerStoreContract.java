package eu.panosc.broker.store;

import static eu.panosc.broker.Fixtures.T0;
import static eu.panosc.broker.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.QuotaExceededException;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.platform.leader.LeaderLock;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What every {@link BrokerStore} guarantees; each implementation runs it. */
abstract class BrokerStoreContract {
  static final Resources SMALL = new Resources(2, 4096, 0);
  static final Quota TWO = new Quota(2, Optional.empty());

  abstract BrokerStore store();

  /** A new replica's leadership lock, contending with every other lock this method returns in the same test. */
  abstract LeaderLock replicaLock();

  static String id() {
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  static String user() {
    return "u-" + UUID.randomUUID() + "@demo.panosc.eu";
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void leaderLockWhenTwoReplicasThenOneLeadsUntilItReleases() {
    LeaderLock a = replicaLock();
    LeaderLock b = replicaLock();
    assertThat(await(a.tryLead())).isTrue();
    assertThat(await(b.tryLead())).isFalse();
    assertThat(await(a.tryLead())).isTrue();
    await(a.release());
    assertThat(await(b.tryLead())).isTrue();
    assertThat(await(a.tryLead())).isFalse();
    await(b.release());
    assertThat(await(a.tryLead())).as("free again after the leader released").isTrue();
    await(a.release());
  }

  @Test
  void catalogueWhenPutTwiceThenReplacedAndListedById() {
    BrokerStore s = store();
    String a = "z" + UUID.randomUUID().toString().substring(0, 8);
    Flavour first = new Flavour(a, "first", SMALL, Visibility.EVERYONE);
    await(s.putFlavour(first));
    // read between the puts: a store that remembers the catalogue must not answer the first one after the second put
    assertThat(await(s.flavours())).filteredOn(f -> f.id().equals(a)).containsExactly(first);
    Flavour second = new Flavour(a, "second", new Resources(4, 8192, 1),
        new Visibility(Set.of("esrf:MX-2415"), Set.of("esrf"), Set.of("staff")), 50);
    await(s.putFlavour(second));
    assertThat(await(s.flavours())).filteredOn(f -> f.id().equals(a)).containsExactly(second);
    Image image = new Image(a, "Desk", Image.Kind.DESKTOP, "r/desk:1", "guacamole", 8080,
        new Visibility(Set.of(), Set.of("ill"), Set.of()), Set.of("ill-k8s", "eosc-cloud"));
    await(s.putImage(Fixtures.image(a)));
    assertThat(await(s.images())).filteredOn(i -> i.id().equals(a)).containsExactly(Fixtures.image(a));
    await(s.putImage(image));
    assertThat(await(s.images())).filteredOn(i -> i.id().equals(a)).containsExactly(image);
    List<String> ids = await(s.flavours()).stream().map(Flavour::id).toList();
    assertThat(ids).isSorted();
  }

  @Test
  void createWhenReadBackThenEveryFieldEqual() {
    BrokerStore s = store();
    Session created = new Session(id(), user(), Optional.of("esrf:MX-2415"), List.of("10.15151/ESRF-DC-2415001",
        "10.15151/ESRF-DC-2415002"), "medium", "jupyter", new Resources(2, 4096, 1), Optional.empty(),
        SessionState.PENDING, Optional.empty(), Optional.empty(), Optional.empty(), "cd".repeat(32), T0,
        T0.plusMillis(1), T0.plusSeconds(86_400), T0.plusNanos(1000));
    await(s.create(created, TWO));
    assertThat(await(s.get(created.id()))).contains(created);
    assertThat(await(s.get("nope"))).isEmpty();
  }

  @Test
  void createWhenOwnerHasMaxActiveThenQuotaNamesTheLimitAndEndedOnesDoNotCount() {
    BrokerStore s = store();
    String u = user();
    await(s.create(session(id(), u, null, SMALL, SessionState.RUNNING), TWO));
    await(s.create(session(id(), u, null, SMALL, SessionState.STOPPED), TWO));
    await(s.create(session(id(), u, null, SMALL, SessionState.FAILED), TWO));
    Session second = await(s.create(session(id(), u, null, SMALL, SessionState.PENDING), TWO));
    assertThatThrownBy(() -> await(s.create(session(id(), u, null, SMALL, SessionState.PENDING), TWO)))
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(QuotaExceededException.class)
        .satisfies(e -> assertThat(((QuotaExceededException) e).limit()).isEqualTo("user.maxActive"));
    // another user is not affected
    await(s.create(session(id(), user(), null, SMALL, SessionState.PENDING), TWO));
    await(s.update(second.id(), x -> x.withState(SessionState.STOPPED, T0)));
    await(s.create(session(id(), u, null, SMALL, SessionState.PENDING), TWO));
  }

  @Test
  void createWhenProposalAggregateExceededThenLimitNamed() {
    BrokerStore s = store();
    String p = "esrf:P-" + UUID.randomUUID();
    Quota q = new Quota(10, Optional.of(new Quota.ProposalQuota(3, 6, 1)));
    await(s.create(session(id(), user(), p, new Resources(2, 1, 1), SessionState.RUNNING), q));
    assertThat(limitOf(s, session(id(), user(), p, new Resources(1, 1, 1), SessionState.PENDING), q))
        .isEqualTo("proposal.gpu");
    await(s.create(session(id(), user(), p, new Resources(4, 1, 0), SessionState.PENDING), q));
    assertThat(limitOf(s, session(id(), user(), p, new Resources(1, 1, 0), SessionState.PENDING), q))
        .isEqualTo("proposal.cpu");
    await(s.create(session(id(), user(), p, new Resources(0, 1, 0), SessionState.PENDING), q));
    assertThat(limitOf(s, session(id(), user(), p, new Resources(0, 1, 0), SessionState.PENDING), q))
        .isEqualTo("proposal.sessions");
    // without a proposal, only the user's limit applies
    await(s.create(session(id(), user(), null, new Resources(100, 1, 10), SessionState.PENDING), q));
  }

  static String limitOf(BrokerStore s, Session next, Quota q) {
    try {
      await(s.create(next, q));
      return null;
    } catch (CompletionException e) {
      return ((QuotaExceededException) e.getCause()).limit();
    }
  }

  @Test
  void createWhenTwentyInParallelForOneUserThenNeverMoreThanTheLimit() {
    BrokerStore s = store();
    String u = user();
    List<Future<Session>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(s.create(session(id(), u, null, SMALL, SessionState.PENDING), TWO));
    }
    await(Future.join(all).otherwiseEmpty());
    long ok = all.stream().filter(Future::succeeded).count();
    assertThat(ok).isEqualTo(2);
    assertThat(all.stream().filter(Future::failed).map(Future::cause))
        .allMatch(e -> e instanceof QuotaExceededException q && q.limit().equals("user.maxActive"));
    assertThat(await(s.list(Optional.of(u)))).hasSize(2);
  }

  @Test
  void createWhenTwentyInParallelForOneProposalByManyUsersThenAggregateHolds() {
    BrokerStore s = store();
    String p = "ill:P-" + UUID.randomUUID();
    Quota q = new Quota(2, Optional.of(new Quota.ProposalQuota(5, 1000, 1000)));
    List<Future<Session>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(s.create(session(id(), user(), p, SMALL, SessionState.PENDING), q));
    }
    await(Future.join(all).otherwiseEmpty());
    assertThat(all.stream().filter(Future::succeeded).count()).isEqualTo(5);
    assertThat(await(s.active()).stream().filter(x -> x.proposal().equals(Optional.of(p)))).hasSize(5);
  }

  @Test
  void listWhenOwnerThenOnlyTheirsNewestFirstAndActiveOnlyActive() {
    BrokerStore s = store();
    String u = user();
    Session old = session(id(), u, null, SMALL, SessionState.STOPPED);
    Session newer = withCreated(session(id(), u, null, SMALL, SessionState.RUNNING), T0.plusSeconds(60));
    await(s.create(old, new Quota(5, Optional.empty())));
    await(s.create(newer, new Quota(5, Optional.empty())));
    await(s.create(session(id(), user(), null, SMALL, SessionState.RUNNING), TWO));
    assertThat(await(s.list(Optional.of(u)))).extracting(Session::id).containsExactly(newer.id(), old.id());
    assertThat(await(s.list(Optional.empty())).size()).isGreaterThanOrEqualTo(3);
    assertThat(await(s.active())).extracting(Session::id).contains(newer.id()).doesNotContain(old.id());
  }

  static Session withCreated(Session s, java.time.Instant at) {
    return new Session(s.id(), s.owner(), s.proposal(), s.datasets(), s.flavour(), s.image(), s.resources(),
        s.cluster(), s.state(), s.url(), s.placement(), s.failure(), s.secretHash(), at, at, s.expiresAt(),
        s.lastActivity());
  }

  @Test
  void updateWhenConcurrentThenEveryUpdaterSeesTheOthersResult() {
    BrokerStore s = store();
    Session x = await(s.create(session(id(), user(), null, SMALL, SessionState.PENDING), TWO));
    List<Future<Optional<Session>>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(s.update(x.id(), c -> new Session(c.id(), c.owner(), c.proposal(), c.datasets(), c.flavour(),
          c.image(), new Resources(c.resources().cpu() + 1, c.resources().memoryMi(), 0), c.cluster(), c.state(),
          c.url(), c.placement(), c.failure(), c.secretHash(), c.created(), c.updated(), c.expiresAt(),
          c.lastActivity())));
    }
    await(Future.all(all));
    assertThat(await(s.get(x.id())).orElseThrow().resources().cpu()).isEqualTo(12);
    assertThat(await(s.update("missing", c -> c))).isEmpty();
  }

  @Test
  void updateWhenPlacedAndRunningThenStateClusterUrlReasonStored() {
    BrokerStore s = store();
    Session x = await(s.create(session(id(), user(), null, SMALL, SessionState.PENDING), TWO));
    await(s.update(x.id(), c -> c.placed("esrf-k8s", "esrf-k8s scored 1100", T0.plusSeconds(1))));
    Session running = await(s.update(x.id(), c -> c.running("http://x/", T0.plusSeconds(2)))).orElseThrow();
    assertThat(await(s.get(x.id()))).contains(running);
    assertThat(running.cluster()).contains("esrf-k8s");
    assertThat(running.placement()).contains("esrf-k8s scored 1100");
    Session failed = await(s.update(x.id(), c -> c.failed("the pod vanished", T0.plusSeconds(3)))).orElseThrow();
    assertThat(failed.failure()).contains("the pod vanished");
    assertThat(failed.url()).isEmpty();
  }

  @Test
  void touchWhenLaterThenLastActivityMovesAndNeverBackAndUnknownIsSkipped() {
    BrokerStore s = store();
    Session x = await(s.create(session(id(), user(), null, SMALL, SessionState.RUNNING), TWO));
    Session y = await(s.create(session(id(), user(), null, SMALL, SessionState.RUNNING), TWO));
    await(s.touch(java.util.Map.of(x.id(), T0.plusSeconds(60), y.id(), T0.plusSeconds(30), "missing",
        T0.plusSeconds(5))));
    assertThat(await(s.get(x.id())).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(60));
    assertThat(await(s.get(y.id())).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(30));
    await(s.touch(java.util.Map.of(x.id(), T0.plusSeconds(10))));
    assertThat(await(s.get(x.id())).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(60));
    Session after = await(s.get(x.id())).orElseThrow();
    assertThat(after.updated()).isEqualTo(x.updated());
    assertThat(after.state()).isEqualTo(SessionState.RUNNING);
    await(s.touch(java.util.Map.of()));
  }

  @Test
  void updateWhenTouchedMeanwhileThenTheActivityIsKeptEvenByAnUpdaterFromAnOlderRead() {
    BrokerStore s = store();
    Session x = await(s.create(session(id(), user(), null, SMALL, SessionState.STARTING), TWO));
    Session stale = await(s.get(x.id())).orElseThrow();
    await(s.touch(java.util.Map.of(x.id(), T0.plusSeconds(90))));
    // an unrelated update on the current value
    Session running = await(s.update(x.id(), c -> c.running("http://s/", T0.plusSeconds(100)))).orElseThrow();
    assertThat(running.lastActivity()).isEqualTo(T0.plusSeconds(90));
    assertThat(await(s.get(x.id())).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(90));
    // an updater that ignores the current value and answers a copy of what it read before the touch
    Session answered = await(s.update(x.id(), c -> stale.running("http://s/", T0.plusSeconds(110)))).orElseThrow();
    assertThat(answered.lastActivity()).isEqualTo(T0.plusSeconds(90));
    Session stored = await(s.get(x.id())).orElseThrow();
    assertThat(stored.lastActivity()).isEqualTo(T0.plusSeconds(90));
    assertThat(stored.state()).isEqualTo(SessionState.RUNNING);
    assertThat(stored.updated()).isEqualTo(T0.plusSeconds(110));
    // an update may move the activity forward
    assertThat(await(s.update(x.id(), c -> c.activeAt(T0.plusSeconds(200)))).orElseThrow().lastActivity())
        .isEqualTo(T0.plusSeconds(200));
    assertThat(await(s.get(x.id())).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(200));
  }

  @Test
  void updateWhenTouchedConcurrentlyThenNoActivityIsLost() {
    BrokerStore s = store();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(await(s.create(session(id(), user(), null, SMALL, SessionState.RUNNING), TWO)).id());
    }
    List<Session> before = new ArrayList<>();
    for (String id : ids) {
      before.add(await(s.get(id)).orElseThrow());
    }
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Session old = before.get(i);
      all.add(s.update(ids.get(i), c -> old.withState(SessionState.STOPPING, T0.plusSeconds(5))));
      all.add(s.touch(java.util.Map.of(ids.get(i), T0.plusSeconds(60 + i))));
    }
    await(Future.join(all));
    for (int i = 0; i < ids.size(); i++) {
      Session stored = await(s.get(ids.get(i))).orElseThrow();
      assertThat(stored.lastActivity()).isEqualTo(T0.plusSeconds(60 + i));
      assertThat(stored.state()).isEqualTo(SessionState.STOPPING);
    }
  }

  @Test
  void usedByClusterWhenPlacedEndedAndUnplacedThenOnlyActivePlacedOnesSummedPerCluster() {
    BrokerStore s = store();
    String a = "ua-" + UUID.randomUUID().toString().substring(0, 8);
    String b = a + "-b";
    String u = user();
    Quota many = new Quota(100, Optional.empty());
    Session a1 = await(s.create(session(id(), u, null, new Resources(2, 100, 0), SessionState.PLACING), many));
    Session a2 = await(s.create(session(id(), u, null, new Resources(3, 200, 1), SessionState.PLACING), many));
    Session b1 = await(s.create(session(id(), u, null, new Resources(5, 500, 0), SessionState.PLACING), many));
    Session ended = await(s.create(session(id(), u, null, new Resources(7, 700, 0), SessionState.PLACING), many));
    await(s.create(session(id(), u, null, new Resources(11, 1100, 0), SessionState.PLACING), many)); // never placed
    Resources room = new Resources(1000, 100_000, 10);
    for (Session x : List.of(a1, a2, ended)) {
      assertThat(await(s.reserve(x.id(), a, room, c -> c.placed(a, "t", T0)))).isPresent();
    }
    assertThat(await(s.reserve(b1.id(), b, room, c -> c.placed(b, "t", T0)))).isPresent();
    await(s.update(ended.id(), c -> c.withState(SessionState.STOPPED, T0.plusSeconds(1))));
    java.util.Map<String, Resources> used = await(s.usedByCluster());
    assertThat(used.get(a)).isEqualTo(new Resources(5, 300, 1));
    assertThat(used.get(b)).isEqualTo(new Resources(5, 500, 0));
    assertThat(used).doesNotContainKey(a + "-none");
  }

  @Test
  void usedByClusterWhenMovedStoppedFailedOrRunningThenEveryChangeFollowed() {
    BrokerStore s = store();
    String a = "um-" + UUID.randomUUID().toString().substring(0, 8);
    String b = a + "-b";
    Quota many = new Quota(100, Optional.empty());
    String u = user();
    Session x = await(s.create(session(id(), u, null, new Resources(2, 100, 0), SessionState.PLACING), many));
    Session y = await(s.create(session(id(), u, null, new Resources(3, 200, 1), SessionState.PLACING), many));
    Resources room = new Resources(1000, 100_000, 10);
    assertThat(await(s.reserve(x.id(), a, room, c -> c.placed(a, "t", T0)))).isPresent();
    assertThat(await(s.reserve(y.id(), a, room, c -> c.placed(a, "t", T0)))).isPresent();
    assertThat(await(s.usedByCluster())).containsEntry(a, new Resources(5, 300, 1)).doesNotContainKey(b);
    // placed again elsewhere (its cluster stopped answering): its share moves
    await(s.update(x.id(), c -> c.placed(b, "again", T0.plusSeconds(1))));
    assertThat(await(s.usedByCluster())).containsEntry(a, new Resources(3, 200, 1))
        .containsEntry(b, new Resources(2, 100, 0));
    // RUNNING and STOPPING still hold their share; FAILED and STOPPED free it
    await(s.update(x.id(), c -> c.running("http://x", T0.plusSeconds(2))));
    await(s.update(x.id(), c -> c.withState(SessionState.STOPPING, T0.plusSeconds(3))));
    assertThat(await(s.usedByCluster())).containsEntry(b, new Resources(2, 100, 0));
    await(s.update(y.id(), c -> c.failed("gone", T0.plusSeconds(3))));
    assertThat(await(s.usedByCluster())).doesNotContainKey(a).containsEntry(b, new Resources(2, 100, 0));
    await(s.update(x.id(), c -> c.withState(SessionState.STOPPED, T0.plusSeconds(4))));
    assertThat(await(s.usedByCluster())).doesNotContainKey(a).doesNotContainKey(b);
    // a session created already placed and active counts at once
    Session z = session(id(), u, null, new Resources(7, 700, 0), SessionState.PENDING);
    await(s.create(new Session(z.id(), z.owner(), z.proposal(), z.datasets(), z.flavour(), z.image(), z.resources(),
        Optional.of(a), SessionState.RUNNING, Optional.empty(), Optional.of("t"), Optional.empty(), z.secretHash(),
        T0, T0, T0.plusSeconds(3600), T0), many));
    assertThat(await(s.usedByCluster())).containsEntry(a, new Resources(7, 700, 0));
  }

  @Test
  void reserveWhenAlreadyPlacedOnThatClusterThenItsOwnShareIsNotCountedTwice() {
    BrokerStore s = store();
    String c = "ur-" + UUID.randomUUID().toString().substring(0, 8);
    Resources exactly = new Resources(2, 100, 0);
    Session x = await(s.create(session(id(), user(), null, exactly, SessionState.PLACING), TWO));
    assertThat(await(s.reserve(x.id(), c, exactly, v -> v.placed(c, "first", T0)))).isPresent();
    // the cluster is full with x alone; reserving x there again (a repeated placement) still fits
    assertThat(await(s.reserve(x.id(), c, exactly, v -> v.placed(c, "again", T0.plusSeconds(1)))))
        .hasValueSatisfying(v -> assertThat(v.placement()).contains("again"));
    assertThat(await(s.usedByCluster())).containsEntry(c, exactly);
    Session other = await(s.create(session(id(), user(), null, exactly, SessionState.PLACING), TWO));
    assertThat(await(s.reserve(other.id(), c, exactly, v -> v.placed(c, "t", T0)))).isEmpty();
  }

  @Test
  void createWhenTheOwnersSessionsEndOrFailThenTheirPlacesAreFreeAtOnce() {
    BrokerStore s = store();
    String u = user();
    Session a = await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO));
    Session b = await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO));
    assertThatThrownBy(() -> await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO)))
        .hasCauseInstanceOf(QuotaExceededException.class);
    await(s.update(a.id(), c -> c.failed("x", T0.plusSeconds(1))));
    Session c1 = await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO));
    await(s.update(b.id(), c -> c.withState(SessionState.STOPPED, T0.plusSeconds(2))));
    await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO));
    assertThatThrownBy(() -> await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO)))
        .hasCauseInstanceOf(QuotaExceededException.class);
    // an ended session that changes again (its record updated) does not count twice as freed
    await(s.update(a.id(), c -> c.withState(SessionState.STOPPED, T0.plusSeconds(3))));
    assertThatThrownBy(() -> await(s.create(session(id(), u, null, SMALL, SessionState.PLACING), TWO)))
        .hasCauseInstanceOf(QuotaExceededException.class);
    assertThat(await(s.list(Optional.of(u))).stream().filter(x -> x.state().active()).map(Session::id))
        .hasSize(2).contains(c1.id());
  }

  @Test
  void reserveWhenParallelOnOneClusterThenNeverOverbooked() {
    BrokerStore s = store();
    String cluster = "c-" + UUID.randomUUID().toString().substring(0, 8);
    Resources capacity = new Resources(10, 1_000_000, 1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(await(s.create(session(id(), user(), null, SMALL, SessionState.PLACING), TWO)).id());
    }
    List<Future<Optional<Session>>> all = new ArrayList<>();
    for (String id : ids) {
      all.add(s.reserve(id, cluster, capacity, c -> c.placed(cluster, "test", T0.plusSeconds(1))));
    }
    await(Future.join(all));
    long placed = all.stream().filter(f -> f.result().isPresent()).count();
    // 2 CPUs each in 10: exactly 5 fit
    assertThat(placed).isEqualTo(5);
    assertThat(await(s.active()).stream().filter(x -> x.cluster().equals(Optional.of(cluster)))).hasSize(5)
        .allSatisfy(x -> assertThat(x.state()).isEqualTo(SessionState.STARTING));
    // a GPU session does not fit a cluster whose GPU is taken; an ended session frees its share
    Session gpu1 = await(s.create(session(id(), user(), null, new Resources(0, 1, 1), SessionState.PLACING), TWO));
    Session gpu2 = await(s.create(session(id(), user(), null, new Resources(0, 1, 1), SessionState.PLACING), TWO));
    String other = cluster + "-g";
    assertThat(await(s.reserve(gpu1.id(), other, capacity, c -> c.placed(other, "t", T0)))).isPresent();
    assertThat(await(s.reserve(gpu2.id(), other, capacity, c -> c.placed(other, "t", T0)))).isEmpty();
    await(s.update(gpu1.id(), c -> c.withState(SessionState.STOPPED, T0)));
    assertThat(await(s.reserve(gpu2.id(), other, capacity, c -> c.placed(other, "t", T0)))).isPresent();
    assertThat(await(s.reserve("missing", other, capacity, c -> c.placed(other, "t", T0)))).isEmpty();
  }

  /** A placed session of {@code proposal} with {@code cpu} cores, created at {@code created}, ended at {@code end}. */
  static Session used(String proposal, long cpu, java.time.Instant created, java.time.Instant end) {
    Session x = session(id(), user(), proposal, new Resources(cpu, 1024, 0), SessionState.PENDING);
    return new Session(x.id(), x.owner(), x.proposal(), x.datasets(), x.flavour(), x.image(), x.resources(),
        Optional.of("esrf-k8s"), end == null ? SessionState.RUNNING : SessionState.STOPPED, Optional.empty(),
        Optional.of("t"), Optional.empty(), x.secretHash(), created, end == null ? created : end,
        created.plus(java.time.Duration.ofDays(14)), created);
  }

  @Test
  void createWhenTheProposalUsedItsCoreHoursThenRefusedNamingTheLimitAndParallelCreatesAgree() {
    BrokerStore s = store();
    String p = "esrf:CH-" + UUID.randomUUID().toString().substring(0, 8);
    Quota q = new Quota(100, Optional.of(new Quota.ProposalQuota(100, 10_000, 100, 100)));
    // ended: 8 cores × 10 h = 80; running: 2 cores since 5 h before the next create = 10; never placed: nothing
    await(s.create(used(p, 8, T0, T0.plus(java.time.Duration.ofHours(10))), q));
    java.time.Instant at = T0.plus(java.time.Duration.ofHours(20));
    await(s.create(used(p, 2, at.minus(java.time.Duration.ofHours(5)), null), q));
    await(s.create(session(id(), user(), p, new Resources(64, 1024, 0), SessionState.FAILED), q));
    Session next = session(id(), user(), p, SMALL, SessionState.PENDING);
    Session atTime = new Session(next.id(), next.owner(), next.proposal(), next.datasets(), next.flavour(),
        next.image(), next.resources(), next.cluster(), next.state(), next.url(), next.placement(), next.failure(),
        next.secretHash(), at, at, at.plus(java.time.Duration.ofDays(14)), at);
    // 90 < 100: allowed
    assertThat(await(s.create(atTime, q)).id()).isEqualTo(next.id());
    // 5 more hours: the running one reaches 100 (2 × 10 h); the new one has held 2 cores for 5 h: 110 ≥ 100
    java.time.Instant later = at.plus(java.time.Duration.ofHours(5));
    await(s.update(next.id(), c -> c.placed("esrf-k8s", "t", at)));
    List<Future<Session>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Session n = session(id(), user(), p, SMALL, SessionState.PENDING);
      all.add(s.create(new Session(n.id(), n.owner(), n.proposal(), n.datasets(), n.flavour(), n.image(), n.resources(),
          n.cluster(), n.state(), n.url(), n.placement(), n.failure(), n.secretHash(), later, later,
          later.plus(java.time.Duration.ofDays(14)), later), q));
    }
    await(Future.join(all).otherwiseEmpty());
    assertThat(all).allSatisfy(f -> {
      assertThat(f.failed()).isTrue();
      assertThat(f.cause()).isInstanceOf(QuotaExceededException.class);
      assertThat(((QuotaExceededException) f.cause()).limit()).isEqualTo("proposal.coreHours");
      assertThat(f.cause().getMessage()).contains("110.0 core-hours").contains("100");
    });
    // without a core-hour limit the same create passes
    Session free = session(id(), user(), p, SMALL, SessionState.PENDING);
    assertThat(await(s.create(free, new Quota(100, Optional.of(new Quota.ProposalQuota(100, 10_000, 100))))).id())
        .isEqualTo(free.id());
  }
}
