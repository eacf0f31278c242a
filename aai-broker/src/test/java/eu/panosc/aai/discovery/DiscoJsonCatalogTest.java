package eu.panosc.aai.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry's discovery feed as upstreams of a SAML discovery upstream: names, scopes as domains, hidden and broken
 * entries left out, refreshed at most every interval, the last good list kept when the feed fails (a canned feed
 * stands in for the registry, which {@code AccountLinkingIT} runs for real).
 */
class DiscoJsonCatalogTest {
  private static final String FEED = """
      [{"entityID": "https://idp.esrf.fr/idp/shibboleth", "title": "ESRF", "scope": "esrf.fr, esrf.eu", "hidden": "false"},
       {"entityID": "https://hidden.example.org/idp", "title": "Hidden", "hidden": "true"},
       {"entityID": "https://bad.example.org/idp", "title": "Bad\\u0000name"},
       {"title": "No entity id"},
       "not an object",
       {"entityID": "urn:mace:example:idp", "title": "Urn IdP"}]
      """;

  @Test
  void upstreamsWhenFeedThenVisibleIdpsFoundByNameAndScopeThroughTheDiscoveryUpstream() {
    MutableClock clock = new MutableClock(Instant.parse("2031-01-01T00:00:00Z"));
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Future<String>> answer = new AtomicReference<>(Future.succeededFuture(FEED));
    DiscoJsonCatalog catalog = new DiscoJsonCatalog("edugain", () -> {
      reads.incrementAndGet();
      return answer.get();
    }, clock, Duration.ofMinutes(5));

    var idps = catalog.upstreams().result();

    assertThat(idps).extracting(LoginUpstream::key).containsExactly("https://idp.esrf.fr/idp/shibboleth",
        "urn:mace:example:idp");
    LoginUpstream esrf = idps.get(0);
    assertThat(esrf.upstreamId()).isEqualTo("edugain");
    assertThat(esrf.displayName()).isEqualTo("ESRF");
    assertThat(esrf.matches("esrf.eu")).isTrue();
    assertThat(esrf.matches("idp.esrf.fr")).isTrue();
    assertThat(esrf.matches("ill.eu")).isFalse();
    assertThat(esrf.start("p1")).isEqualTo("saml2/sp/login?req=p1&upstream=edugain&entity="
        + "https%3A%2F%2Fidp.esrf.fr%2Fidp%2Fshibboleth");

    answer.set(Future.failedFuture("registry down"));
    assertThat(catalog.upstreams().result()).as("within the interval: not read again").hasSize(2);
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofMinutes(6));
    assertThat(catalog.upstreams().result()).as("the feed failed: the last good list").hasSize(2);
    answer.set(Future.succeededFuture("{\"not\": \"an array\"}"));
    clock.advance(Duration.ofMinutes(6));
    assertThat(catalog.upstreams().result()).hasSize(2);
    assertThat(reads).hasValue(3);
  }
}
