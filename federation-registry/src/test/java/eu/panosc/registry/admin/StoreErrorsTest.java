package eu.panosc.registry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.http.ApiException;
import eu.panosc.registry.store.StoreException;
import org.junit.jupiter.api.Test;

/** Each store refusal becomes its HTTP problem; other failures pass unchanged. */
class StoreErrorsTest {
  private static ApiException http(StoreException e) {
    return (ApiException) StoreErrors.http(e);
  }

  @Test
  void httpWhenStoreRefusesThenStatusByReason() {
    assertThat(http(StoreException.notFound("gone")).problem().status()).isEqualTo(404);
    assertThat(http(StoreException.conflict("taken")).problem().status()).isEqualTo(409);
    assertThat(http(StoreException.invalidField("/facility", "unknown")).problem())
        .satisfies(p -> {
          assertThat(p.status()).isEqualTo(400);
          assertThat(p.toJson(null, null).encode()).contains("/facility");
        });
    assertThat(http(StoreException.staleVersion(3, "stale")).problem()).satisfies(p -> {
      assertThat(p.status()).isEqualTo(412);
      assertThat(p.extensions()).containsEntry("currentVersion", 3L);
    });
  }

  @Test
  void httpWhenUpstreamFeedUnavailableThen503NamingTheCause() {
    ApiException e = (ApiException) StoreErrors.http(
        new eu.panosc.registry.federation.FeedUnavailableException("fetching https://feed.example answered HTTP 502"));
    assertThat(e.problem().status()).isEqualTo(503);
    assertThat(e.problem().detail()).contains("HTTP 502");
  }

  @Test
  void httpWhenInvalidInputThenUnchangedForTheFailureHandler() {
    var invalid = new eu.panosc.platform.input.InvalidInputException("/type", "must be one of x");
    assertThat(StoreErrors.http(invalid)).isSameAs(invalid);
  }

  @Test
  void httpWhenNotAStoreRefusalThenUnchanged() {
    IllegalStateException other = new IllegalStateException("x");
    assertThat(StoreErrors.http(other)).isSameAs(other);
  }
}
