package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.OTHER;
import static eu.panosc.aai.saml.metadata.MetadataFixture.aggregate;
import static eu.panosc.aai.saml.metadata.MetadataFixture.signed;
import static eu.panosc.aai.saml.metadata.MetadataFixture.smallIdp;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UrlMetadataSourceTest {
  private static final URI URL = URI.create("https://metadata.example.org/aggregate.xml");
  private static final String A = "https://a.example.org/idp";
  private static final String B = "https://b.example.org/idp";

  private final MutableClock clock = new MutableClock(NOW);
  private final ScriptedFetcher fetcher = new ScriptedFetcher();
  private final UrlMetadataSource source = new UrlMetadataSource(URL, FEDERATION.certificate(), fetcher, 1 << 24,
      new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(12)), clock);

  @Test
  void lookupsWhenLoadedThenAnswerFromOneFetch() {
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT1H", smallIdp(A), smallIdp(B)), FEDERATION));

    assertThat(result(source.lookup(A)).map(IdpMetadata::entityId)).contains(A);
    assertThat(result(source.lookup(B)).map(IdpMetadata::entityId)).contains(B);
    assertThat(result(source.lookup("https://unknown.example.org/idp"))).isEmpty();
    assertThat(fetcher.requests).hasSize(1);
  }

  @Test
  void cacheDurationPassedThenRefetchedInBackgroundWhileServingCurrentCopy() {
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT1H", smallIdp(A)), FEDERATION));
    result(source.lookup(A));
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT1H", smallIdp(B)), FEDERATION));

    clock.advance(Duration.ofMinutes(59));
    assertThat(result(source.lookup(B))).isEmpty();
    assertThat(fetcher.requests).hasSize(1);

    clock.advance(Duration.ofMinutes(1));
    fetcher.hold();
    assertThat(result(source.lookup(A))).as("the current copy while the refresh runs").isPresent();
    fetcher.release();
    assertThat(result(source.lookup(B))).isPresent();
    assertThat(result(source.lookup(A))).isEmpty();
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void etagKnownThenRefreshIsConditionalAndNotModifiedKeepsTheCopyWithoutReparsing() {
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT1H", smallIdp(A)), FEDERATION));
    fetcher.etag(URL, "\"v1\"");
    result(source.lookup(A));
    fetcher.answer(URL, "unparseable: a 304 must not make the source read a body".getBytes());

    clock.advance(Duration.ofHours(1));
    assertThat(result(source.lookup(A))).isPresent();
    assertThat(result(source.lookup(A))).isPresent();

    assertThat(fetcher.conditions).containsExactly(Optional.empty(), Optional.of("\"v1\""));
    clock.advance(Duration.ofMinutes(59));
    assertThat(result(source.lookup(A))).as("the 304 restarted the cache duration").isPresent();
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void refreshRefusedThenLastGoodCopyServedUntilItsValidUntilAndNeverAfter() {
    fetcher.answer(URL, signed(aggregate("2031-05-01T12:00:00Z", "PT10M", smallIdp(A)), FEDERATION));
    result(source.lookup(A));
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT10M", smallIdp(A)), OTHER));

    clock.advance(Duration.ofMinutes(30));
    assertThat(result(source.lookup(A))).isPresent();
    assertThat(result(source.lookup(A))).as("after the refused refresh").isPresent();
    assertThat(fetcher.requests).hasSize(2);

    clock.advance(Duration.ofMinutes(90));
    Future<Optional<IdpMetadata>> expired = source.lookup(A);
    assertThat(expired.failed()).isTrue();
    assertThat(((MetadataRefusedException) expired.cause()).kind())
        .isEqualTo(MetadataRefusedException.Kind.SIGNATURE_INVALID);
  }

  @Test
  void firstFetchFailsThenLookupFailsWithTheReason() {
    fetcher.fail(URL);

    Future<Optional<IdpMetadata>> f = source.lookup(A);

    assertThat(f.failed()).isTrue();
    assertThat(((MetadataRefusedException) f.cause()).kind()).isEqualTo(MetadataRefusedException.Kind.UNAVAILABLE);
  }

  @Test
  void concurrentLookupsWhileLoadingThenShareOneFetch() {
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", "PT1H", smallIdp(A), smallIdp(B)), FEDERATION));
    fetcher.hold();
    List<Future<Optional<IdpMetadata>>> lookups = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lookups.add(source.lookup(i % 2 == 0 ? A : B));
    }
    assertThat(lookups).noneMatch(Future::isComplete);

    fetcher.release();

    assertThat(lookups).allMatch(f -> f.succeeded() && f.result().isPresent());
    assertThat(source.fetches()).isEqualTo(1);
  }

  @Test
  void eduGainSizedAggregateWhenLoadedThenParsedOnceAndLookupsNeverRefetchOrReparse() {
    int n = 5_000;
    String[] entities = new String[n];
    for (int i = 0; i < n; i++) {
      entities[i] = smallIdp("https://idp" + i + ".example.org/idp");
    }
    byte[] doc = signed(aggregate("2031-05-08T00:00:00Z", "PT6H", entities), FEDERATION);
    fetcher.answer(URL, doc);

    for (int i = 0; i < n; i += 7) {
      String id = "https://idp" + i + ".example.org/idp";
      assertThat(result(source.lookup(id)).map(m -> m.singleSignOn().get(IdpMetadata.Binding.REDIRECT)))
          .contains(id + "/sso");
    }

    // the cost of a lookup after load is a hash-map read: one fetch (one parse) for all the lookups, and the index
    // holds every entity, so no lookup scans or parses the document again
    assertThat(source.fetches()).isEqualTo(1);
    assertThat(fetcher.requests).hasSize(1);
    assertThat(result(source.lookup("https://idp4999.example.org/idp"))).isPresent();
    assertThat(source.fetches()).isEqualTo(1);
  }

  private static Optional<IdpMetadata> result(Future<Optional<IdpMetadata>> f) {
    assertThat(f.isComplete()).as("answered without waiting").isTrue();
    if (f.failed()) {
      throw new AssertionError(f.cause());
    }
    return f.result();
  }
}
