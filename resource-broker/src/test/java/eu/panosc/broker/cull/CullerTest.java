package eu.panosc.broker.cull;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.local.LocalProcessDriver;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.session.DatasetLocations;
import eu.panosc.broker.session.NewSession;
import eu.panosc.broker.session.Reconciler;
import eu.panosc.broker.session.Rules;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle culling, lifetime expiry and the warnings before either, with an injected clock; sessions on the real local
 * process driver (stopping one that runs nothing succeeds).
 */
class CullerTest {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  @TempDir
  Path work;
  Vertx vertx;
  LocalProcessDriver driver;
  InMemoryBrokerStore store;
  InMemoryLifecycleStore lifecycle;
  MutableClock clock;
  SessionService service;
  Culler culler;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    driver = new LocalProcessDriver(vertx, List.of(), work);
    store = new InMemoryBrokerStore();
    lifecycle = new InMemoryLifecycleStore();
    clock = new MutableClock(T0);
    Cluster local = new Cluster("local", Cluster.Kind.LOCAL, Optional.empty(), new Resources(8, 16_384, 0), Map.of(),
        Map.of(), 50, Optional.empty());
    service = new SessionService(store, Placer.standard(), List.of(local), Map.of("local", driver),
        (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of()), Rules.defaults(), clock);
    service.idleLimits(lifecycle::register);
    culler = new Culler(service, lifecycle, clock);
  }

  @AfterEach
  void stop() {
    await(driver.close());
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** A RUNNING session of a user (lifetime 14 d) whose limit was recorded as {@code inactivity}. */
  String running(Duration inactivity, Duration lifetime) {
    String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    Session s = Fixtures.session(id, "u-" + id, null, new Resources(1, 1024, 0), SessionState.PENDING);
    await(store.create(new Session(s.id(), s.owner(), s.proposal(), s.datasets(), s.flavour(), s.image(), s.resources(),
        Optional.of("local"), SessionState.RUNNING, Optional.of("http://127.0.0.1:1/"), Optional.of("test"),
        Optional.empty(), s.secretHash(), T0, T0, T0.plus(lifetime), T0), new Quota(100, Optional.empty())));
    await(lifecycle.register(id, inactivity, T0));
    return id;
  }

  Session session(String id) {
    return await(store.get(id)).orElseThrow();
  }

  List<Notice> notices(String id) {
    return await(lifecycle.notices(List.of(id))).getOrDefault(id, List.of());
  }

  void at(Duration sinceT0) {
    clock.advance(Duration.between(clock.instant(), T0.plus(sinceT0)));
  }

  @Test
  void idleWhenNothingHappensThenWarnedADayBeforeThenCulledAtTheLimit() {
    String id = running(Duration.ofDays(4), Duration.ofDays(14));
    at(Duration.ofDays(2));
    assertThat(await(culler.sweep())).isEqualTo(new Culler.Sweep(0, 0, 0));
    at(Duration.ofDays(3).plusHours(1));
    assertThat(await(culler.sweep()).warned()).isEqualTo(1);
    assertThat(notices(id)).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(Notice.Kind.IDLE_WARNING);
      assertThat(n.due()).isEqualTo(T0.plus(Duration.ofDays(4)));
      assertThat(n.message()).contains("will be stopped at " + T0.plus(Duration.ofDays(4)));
    });
    // repeated: no second warning
    assertThat(await(culler.sweep()).warned()).isZero();
    at(Duration.ofDays(4));
    assertThat(await(culler.sweep()).culled()).isEqualTo(1);
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
    assertThat(notices(id)).extracting(Notice::kind).containsExactly(Notice.Kind.IDLE_WARNING, Notice.Kind.CULLED);
    assertThat(notices(id).get(1).message()).contains("no activity since " + T0).contains("4 d");
  }

  @Test
  void idleWhenAKernelStaysBusyWithItsTabClosedThenNotCulled() {
    String id = running(Duration.ofDays(4), Duration.ofDays(14));
    // the kernel's last interaction was at T0, but it reports busy (a long computation) every so often
    for (int day = 1; day <= 6; day++) {
      at(Duration.ofDays(day));
      await(lifecycle.report(id, new ActivityReport(Optional.of(T0), Optional.of(true), Optional.empty(),
          Optional.empty()), clock.instant()));
      assertThat(await(culler.sweep()).culled()).isZero();
    }
    assertThat(session(id).state()).isEqualTo(SessionState.RUNNING);
    // the computation ends: idle from its last busy report (day 6), culled 4 days later
    at(Duration.ofDays(6).plusHours(1));
    await(lifecycle.report(id, new ActivityReport(Optional.empty(), Optional.of(false), Optional.empty(),
        Optional.empty()), clock.instant()));
    at(Duration.ofDays(9).plusHours(23));
    assertThat(await(culler.sweep()).culled()).isZero();
    at(Duration.ofDays(10));
    assertThat(await(culler.sweep()).culled()).isEqualTo(1);
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
  }

  @Test
  void idleWhenDesktopInputGpuUseOrProxiedTrafficThenEachCounts() {
    String desktop = running(Duration.ofDays(4), Duration.ofDays(30));
    String gpu = running(Duration.ofDays(4), Duration.ofDays(30));
    String idleGpu = running(Duration.ofDays(4), Duration.ofDays(30));
    String proxied = running(Duration.ofDays(4), Duration.ofDays(30));
    at(Duration.ofDays(3));
    await(lifecycle.report(desktop, new ActivityReport(Optional.empty(), Optional.empty(),
        Optional.of(T0.plus(Duration.ofDays(3))), Optional.empty()), clock.instant()));
    await(lifecycle.report(gpu, new ActivityReport(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(40)), clock.instant()));
    await(lifecycle.report(idleGpu, new ActivityReport(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(ActivityReport.GPU_BUSY_PERCENT)), clock.instant()));
    // proxied traffic: the session's lastActivity (what the reverse proxy records)
    Instant t3 = clock.instant();
    await(store.update(proxied, s -> new Session(s.id(), s.owner(), s.proposal(), s.datasets(), s.flavour(), s.image(),
        s.resources(), s.cluster(), s.state(), s.url(), s.placement(), s.failure(), s.secretHash(), s.created(),
        s.updated(), s.expiresAt(), t3)));
    at(Duration.ofDays(4));
    Culler.Sweep sweep = await(culler.sweep());
    assertThat(sweep.culled()).isEqualTo(1);
    assertThat(session(idleGpu).state()).isEqualTo(SessionState.STOPPED);
    assertThat(List.of(session(desktop).state(), session(gpu).state(), session(proxied).state()))
        .containsOnly(SessionState.RUNNING);
  }

  /**
   * One "last active" from both sources: proxied traffic as the reverse proxy records it ({@code ActivityRecorder}
   * flushing through {@code BrokerStore.touch} into {@code last_activity}) and what the session reports
   * ({@code session_activity}); whichever is later counts, and a reconciler update in between loses neither.
   */
  @Test
  void idleWhenProxiedTrafficAndReportsBothExistThenTheLaterOfThemCounts() {
    var proxy = new eu.panosc.broker.access.ActivityRecorder(store, clock);
    String proxiedLater = running(Duration.ofDays(4), Duration.ofDays(30));
    String reportedLater = running(Duration.ofDays(4), Duration.ofDays(30));
    // day 1: traffic through the proxy to reportedLater; a desktop report of proxiedLater
    at(Duration.ofDays(1));
    proxy.seen(reportedLater);
    await(proxy.flush());
    await(lifecycle.report(proxiedLater, new ActivityReport(Optional.empty(), Optional.empty(),
        Optional.of(clock.instant()), Optional.empty()), clock.instant()));
    // day 2.5: reportedLater's kernel reports an interaction; day 3: traffic through the proxy to proxiedLater
    at(Duration.ofDays(2).plusHours(12));
    await(lifecycle.report(reportedLater, new ActivityReport(Optional.of(clock.instant()), Optional.of(false),
        Optional.empty(), Optional.empty()), clock.instant()));
    at(Duration.ofDays(3));
    Session stale = session(proxiedLater);
    proxy.seen(proxiedLater);
    await(proxy.flush());
    assertThat(session(proxiedLater).lastActivity()).isEqualTo(T0.plus(Duration.ofDays(3)));
    // an update built from a read before the flush (as a reconciler pass may do) keeps the proxied activity
    await(store.update(proxiedLater, x -> stale.running("http://127.0.0.1:2/", stale.updated())));
    assertThat(session(proxiedLater).lastActivity()).isEqualTo(T0.plus(Duration.ofDays(3)));
    // day 5.5 + 1 h: reportedLater warned (due 6.5 d), proxiedLater not (due 7 d); neither culled
    at(Duration.ofDays(5).plusHours(13));
    assertThat(await(culler.sweep())).isEqualTo(new Culler.Sweep(1, 0, 0));
    assertThat(notices(reportedLater)).singleElement().satisfies(x -> assertThat(x.due())
        .isEqualTo(T0.plus(Duration.ofDays(6).plusHours(12))));
    assertThat(notices(proxiedLater)).isEmpty();
    at(Duration.ofDays(6).plusHours(12));
    assertThat(await(culler.sweep()).culled()).isEqualTo(1);
    assertThat(session(reportedLater).state()).isEqualTo(SessionState.STOPPED);
    assertThat(notices(reportedLater).get(1).message()).contains("no activity since "
        + T0.plus(Duration.ofDays(2).plusHours(12)));
    assertThat(session(proxiedLater).state()).isEqualTo(SessionState.RUNNING);
    at(Duration.ofDays(6).plusHours(23));
    assertThat(await(culler.sweep()).culled()).isZero();
    at(Duration.ofDays(7));
    assertThat(await(culler.sweep()).culled()).isEqualTo(1);
    assertThat(session(proxiedLater).state()).isEqualTo(SessionState.STOPPED);
    assertThat(notices(proxiedLater)).extracting(Notice::kind).containsExactly(Notice.Kind.IDLE_WARNING,
        Notice.Kind.CULLED);
    assertThat(notices(proxiedLater).get(1).message()).contains("no activity since " + T0.plus(Duration.ofDays(3)));
  }

  @Test
  void idleWhenStaffThenTheirEightDaysApplyAndNotYetRunningIsNeverCulledAsIdle() {
    Caller staff = new Caller("sam@demo.panosc.eu", true, false, Set.of(), Set.of("esrf"));
    await(store.putFlavour(new eu.panosc.broker.model.Flavour("small", "Small", new Resources(1, 1024, 0),
        Visibility.EVERYONE)));
    await(store.putImage(Fixtures.image("jupyter")));
    String id = await(service.create(staff, new NewSession("jupyter", "small", List.of(), Optional.empty())))
        .session().id();
    assertThat(await(lifecycle.activity(List.of(id))).get(id).inactivity()).isEqualTo(Duration.ofDays(8));
    // a STARTING session is not culled as idle, whatever the clock says (its start timeout handles it)
    await(store.update(id, s -> s.withState(SessionState.STARTING, T0)));
    at(Duration.ofDays(9));
    assertThat(await(culler.sweep()).culled()).isZero();
    await(store.update(id, s -> s.running("http://127.0.0.1:1/", T0)));
    at(Duration.ofDays(7));
    assertThat(await(culler.sweep()).culled()).isZero();
    at(Duration.ofDays(8));
    assertThat(await(culler.sweep()).culled()).isEqualTo(1);
  }

  @Test
  void lifetimeWhenItNearsItsEndThenWarned48And24HoursBeforeThenExpired() {
    String id = running(Duration.ofDays(60), Duration.ofDays(14));
    Instant end = T0.plus(Duration.ofDays(14));
    at(Duration.ofDays(12).minusHours(1));
    assertThat(await(culler.sweep()).warned()).isZero();
    at(Duration.ofDays(12));
    assertThat(await(culler.sweep()).warned()).isEqualTo(1);
    assertThat(await(culler.sweep()).warned()).isZero();
    at(Duration.ofDays(13).plusHours(1));
    assertThat(await(culler.sweep()).warned()).isEqualTo(1);
    assertThat(notices(id)).extracting(Notice::kind, Notice::leadHours).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Notice.Kind.LIFETIME_WARNING, 48),
        org.assertj.core.groups.Tuple.tuple(Notice.Kind.LIFETIME_WARNING, 24));
    assertThat(notices(id)).allSatisfy(n -> assertThat(n.due()).isEqualTo(end));
    at(Duration.ofDays(14));
    assertThat(await(culler.sweep()).expired()).isEqualTo(1);
    assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
    assertThat(notices(id).get(2).kind()).isEqualTo(Notice.Kind.EXPIRED);
    assertThat(notices(id).get(2).message()).contains(end.toString());
  }

  @Test
  void reconcilerWhenItLeadsThenTheCullerRunsFirstInItsPass() {
    String id = running(Duration.ofDays(4), Duration.ofDays(14));
    InMemoryBrokerStore.Lock lock = store.lock();
    Reconciler reconciler = new Reconciler(vertx, service, lock, Duration.ofHours(1)).beforeEachPass(culler::sweep);
    try {
      at(Duration.ofDays(14));
      assertThat(await(reconciler.pass()).led()).isTrue();
      assertThat(session(id).state()).isEqualTo(SessionState.STOPPED);
      // the culler ran before the reconciler's own lifetime stop, so the EXPIRED notice is there
      assertThat(notices(id)).extracting(Notice::kind).contains(Notice.Kind.EXPIRED);
    } finally {
      await(reconciler.stop());
    }
  }
}
