package eu.panosc.broker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The proxy's path helpers, which run for every proxied request. */
class SessionProxyPathsTest {
  @Test
  void withoutTrailingSlashesWhenMountPointsThenOnlyTheEndingSlashesGo() {
    assertThat(SessionProxy.withoutTrailingSlashes("/broker/")).isEqualTo("/broker");
    assertThat(SessionProxy.withoutTrailingSlashes("/broker///")).isEqualTo("/broker");
    assertThat(SessionProxy.withoutTrailingSlashes("/broker")).isEqualTo("/broker");
    assertThat(SessionProxy.withoutTrailingSlashes("/a/b/")).isEqualTo("/a/b");
    assertThat(SessionProxy.withoutTrailingSlashes("/")).isEmpty();
    assertThat(SessionProxy.withoutTrailingSlashes("")).isEmpty();
  }

  @Test
  void sessionInUriWhenForwardedUrisThenTheBrokersSessionIdFound() {
    var m = SessionProxy.SESSION_IN_URI.matcher("/broker/s/sabcdefghij0123456789/lab?x=1");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("sabcdefghij0123456789");
    assertThat(SessionProxy.SESSION_IN_URI.matcher("/broker/s/short/").find()).isFalse();
  }
}
