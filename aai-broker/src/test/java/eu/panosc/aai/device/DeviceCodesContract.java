package eu.panosc.aai.device;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeviceCodes} store must do (RFC 8628): a request is pending until approved or denied once, an
 * approved request is redeemed by exactly one poll of its own client (also when polls race), polling faster than the
 * interval slows the device down, and everything ends with the request's lifetime on the injected clock.
 */
public abstract class DeviceCodesContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);
  protected static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Instant START = Instant.parse("2031-08-01T10:00:00Z");

  protected MutableClock clock;
  protected DeviceCodes store;

  protected abstract DeviceCodes newStore(Clock clock, Duration lifetime, Duration interval);

  /** The id of an existing token family, for approvals. */
  protected abstract String existingFamily();

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME, INTERVAL);
  }

  private DeviceCodes.Started start() {
    return store.start("client-a", List.of("openid"), List.of("aud-1")).await();
  }

  private DeviceCodes.Request pending(DeviceCodes.Started started) {
    return ((DeviceCodes.Pending) store.findByUserCode(started.userCode()).await()).request();
  }

  @Test
  void findByUserCodeWhenStartedThenPendingWithTheRequest() {
    DeviceCodes.Started started = start();

    DeviceCodes.Lookup found = store.findByUserCode(started.userCode()).await();

    assertThat(started.expiresAt()).isEqualTo(START.plus(LIFETIME));
    assertThat(started.interval()).isEqualTo(5);
    assertThat(started.userCode()).hasSize(UserCodes.LENGTH);
    assertThat(started.deviceCode()).isNotEqualTo(started.userCode());
    assertThat(found).isInstanceOfSatisfying(DeviceCodes.Pending.class, p -> {
      assertThat(p.request().clientId()).isEqualTo("client-a");
      assertThat(p.request().scopes()).containsExactly("openid");
      assertThat(p.request().audiences()).containsExactly("aud-1");
      assertThat(p.request().expiresAt()).isEqualTo(started.expiresAt());
    });
  }

  @Test
  void findByUserCodeWhenUnknownThenNotFound() {
    assertThat(store.findByUserCode("BBBBBBBB").await()).isInstanceOf(DeviceCodes.NotFound.class);
    assertThat(store.findByUserCode("a\u0000b").await()).isInstanceOf(DeviceCodes.NotFound.class);
  }

  @Test
  void pollWhenApprovedThenRedeemedOnceByItsOwnClient() {
    DeviceCodes.Started started = start();
    String family = existingFamily();
    DeviceCodes.Request request = pending(started);

    assertThat(store.approve(request.id(), family).await()).isTrue();
    assertThat(store.approve(request.id(), family).await()).isFalse();
    assertThat(store.deny(request.id()).await()).isFalse();
    assertThat(store.findByUserCode(started.userCode()).await()).isInstanceOf(DeviceCodes.Used.class);
    assertThat(store.poll(started.deviceCode(), "client-b").await()).isInstanceOf(DeviceCodes.OtherClient.class);
    assertThat(store.poll(started.deviceCode(), "client-a").await()).isEqualTo(new DeviceCodes.Approved(family));
    assertThat(store.poll(started.deviceCode(), "client-a").await()).isInstanceOf(DeviceCodes.AlreadyRedeemed.class);
  }

  @Test
  void pollWhenManyPollAnApprovedRequestAtOnceThenExactlyOneIsApproved() {
    DeviceCodes.Started started = start();
    store.approve(pending(started).id(), existingFamily()).await();
    List<Future<DeviceCodes.Poll>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(store.poll(started.deviceCode(), "client-a"));
    }
    Future.join(all).await();

    assertThat(all).filteredOn(f -> f.result() instanceof DeviceCodes.Approved).hasSize(1);
    assertThat(all).filteredOn(f -> f.result() instanceof DeviceCodes.AlreadyRedeemed).hasSize(15);
  }

  @Test
  void approveWhenRacingADenialThenExactlyOneDecides() {
    DeviceCodes.Started started = start();
    DeviceCodes.Request request = pending(started);
    String family = existingFamily();

    Future<Boolean> approve = store.approve(request.id(), family);
    Future<Boolean> deny = store.deny(request.id());
    Future.join(approve, deny).await();

    assertThat(List.of(approve.result(), deny.result())).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void pollWhenDeniedThenDenied() {
    DeviceCodes.Started started = start();
    assertThat(store.deny(pending(started).id()).await()).isTrue();

    assertThat(store.poll(started.deviceCode(), "client-a").await()).isInstanceOf(DeviceCodes.Denied.class);
  }

  @Test
  void pollWhenFasterThanTheIntervalThenSlowDownAndTheIntervalGrows() {
    DeviceCodes.Started started = start();

    assertThat(store.poll(started.deviceCode(), "client-a").await()).isEqualTo(new DeviceCodes.StillPending(5));
    clock.advance(Duration.ofSeconds(4));
    assertThat(store.poll(started.deviceCode(), "client-a").await()).isEqualTo(new DeviceCodes.SlowDown(10));
    clock.advance(Duration.ofSeconds(10));
    assertThat(store.poll(started.deviceCode(), "client-a").await()).isEqualTo(new DeviceCodes.StillPending(10));
  }

  @Test
  void pollWhenUnknownOrNotADeviceCodeThenUnknownCode() {
    for (String garbage : List.of("", "nope", "a\u0000b", "x".repeat(100_000))) {
      assertThat(store.poll(garbage, "client-a").await()).isInstanceOf(DeviceCodes.UnknownCode.class);
    }
  }

  @Test
  void pollWhenLifetimePassedThenExpiredAndNoLongerDecidable() {
    DeviceCodes.Started started = start();
    DeviceCodes.Request request = pending(started);
    clock.advance(LIFETIME);

    assertThat(store.findByUserCode(started.userCode()).await()).isInstanceOf(DeviceCodes.Expired.class);
    assertThat(store.approve(request.id(), existingFamily()).await()).isFalse();
    assertThat(store.deny(request.id()).await()).isFalse();
    assertThat(store.poll(started.deviceCode(), "client-a").await()).isInstanceOf(DeviceCodes.ExpiredCode.class);
  }

  @Test
  void pollWhenApprovedButLifetimePassedBeforeThePollThenExpiredCode() {
    DeviceCodes.Started started = start();
    store.approve(pending(started).id(), existingFamily()).await();
    clock.advance(LIFETIME);

    assertThat(store.poll(started.deviceCode(), "client-a").await()).isInstanceOf(DeviceCodes.ExpiredCode.class);
  }
}
