package eu.panosc.aai.authorize;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectUrisTest {
  @Test
  void registeredWhenExactThenAcceptedForEveryClient() {
    assertThat(RedirectUris.registered(List.of("https://app.example/cb"), "https://app.example/cb")).isTrue();
    assertThat(RedirectUris.registered(List.of("https://app.example/cb"), "https://app.example/cb/")).isFalse();
    assertThat(RedirectUris.registered(List.of("https://app.example/cb"), null)).isFalse();
  }

  @Test
  void registeredWhenLoopbackThenAnyPortSamePathAndQuery() {
    List<String> v4 = List.of("http://127.0.0.1/cb");
    assertThat(RedirectUris.registered(v4, "http://127.0.0.1:50123/cb")).isTrue();
    assertThat(RedirectUris.registered(List.of("http://127.0.0.1:8080/cb"), "http://127.0.0.1:1/cb")).isTrue();
    assertThat(RedirectUris.registered(List.of("http://[::1]/cb"), "http://[::1]:61000/cb")).isTrue();
    assertThat(RedirectUris.registered(List.of("http://127.0.0.1/cb?a=1"), "http://127.0.0.1:2/cb?a=1")).isTrue();

    assertThat(RedirectUris.registered(v4, "http://127.0.0.1:50123/other")).isFalse();
    assertThat(RedirectUris.registered(v4, "http://127.0.0.1:50123/cb?x=1")).isFalse();
    assertThat(RedirectUris.registered(v4, "http://127.0.0.1:50123/cb#f")).isFalse();
    assertThat(RedirectUris.registered(v4, "http://u@127.0.0.1:50123/cb")).isFalse();
    assertThat(RedirectUris.registered(v4, "https://127.0.0.1:50123/cb")).isFalse();
    assertThat(RedirectUris.registered(v4, "http://[::1]:50123/cb")).as("another address").isFalse();
    assertThat(RedirectUris.registered(v4, "http://127.0.0.2:50123/cb")).isFalse();
    assertThat(RedirectUris.registered(v4, "http://127.0.0.1.evil.example:50123/cb")).isFalse();
  }

  @Test
  void registeredWhenNotLoopbackThenNeverIgnoresThePort() {
    assertThat(RedirectUris.registered(List.of("http://localhost/cb"), "http://localhost:3000/cb")).isFalse();
    assertThat(RedirectUris.registered(List.of("https://app.example/cb"), "https://app.example:8443/cb")).isFalse();
    assertThat(RedirectUris.registered(List.of("http://10.0.0.1/cb"), "http://10.0.0.1:99/cb")).isFalse();
  }
}
