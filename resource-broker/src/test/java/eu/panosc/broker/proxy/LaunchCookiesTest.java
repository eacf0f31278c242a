package eu.panosc.broker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.broker.model.Caller;
import eu.panosc.platform.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchCookiesTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
  final byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  final LaunchCookies cookies = new LaunchCookies(key, clock);
  final Caller bob = new Caller("bob", false, false, Set.of("esrf:MX-2415"), Set.of("esrf"), Optional.of("portal"),
      Optional.of("bob@demo.panosc.eu"));

  @Test
  void readWhenIssuedForTheSessionThenTheCallerWithClientAndCanonicalId() {
    String v = cookies.issue(bob, "sabc");
    Caller back = cookies.read(v, "sabc").orElseThrow();
    assertThat(back.user()).isEqualTo("bob");
    assertThat(back.client()).contains("portal");
    assertThat(back.canonical()).contains("bob@demo.panosc.eu");
    assertThat(back.admin()).isFalse();
    assertThat(v).doesNotContain("=").doesNotContain(";").doesNotContain(" ");
  }

  @Test
  void readWhenExpiredOrOtherSessionOrTamperedOrOtherKeyThenNothing() {
    String v = cookies.issue(bob, "sabc");
    assertThat(cookies.read(v, "sother")).isEmpty();
    String tampered = "x" + v.substring(1);
    assertThat(cookies.read(tampered, "sabc")).isEmpty();
    assertThat(cookies.read(v.substring(0, v.indexOf('.')), "sabc")).isEmpty();
    assertThat(cookies.read("", "sabc")).isEmpty();
    assertThat(cookies.read(null, "sabc")).isEmpty();
    assertThat(cookies.read("a.b.c", "sabc")).isEmpty();
    byte[] other = key.clone();
    other[0] ^= 1;
    assertThat(new LaunchCookies(other, clock).read(v, "sabc")).isEmpty();
    clock.advance(LaunchCookies.LIFETIME.minusSeconds(1));
    assertThat(cookies.read(v, "sabc")).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cookies.read(v, "sabc")).isEmpty();
  }

  @Test
  void constructWhenKeyShortThenRefused() {
    assertThatThrownBy(() -> new LaunchCookies(new byte[16], clock)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bits");
  }
}
