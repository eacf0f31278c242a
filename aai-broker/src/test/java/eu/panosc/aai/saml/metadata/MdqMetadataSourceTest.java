package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.OTHER;
import static eu.panosc.aai.saml.metadata.MetadataFixture.bytes;
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

class MdqMetadataSourceTest {
  private static final URI BASE = URI.create("https://panosc.example.org/registry/mdq/");
  private static final String A = "https://a.example.org/idp";
  private static final URI A_URL = URI.create("https://panosc.example.org/registry/mdq/entities/"
      + "https%3A%2F%2Fa.example.org%2Fidp");

  private final MutableClock clock = new MutableClock(NOW);
  private final ScriptedFetcher fetcher = new ScriptedFetcher();
  private final MdqMetadataSource source = new MdqMetadataSource(BASE, FEDERATION.certificate(), fetcher, 1 << 20,
      new RefreshPolicy(Duration.ofMinutes(1), Duration.ofHours(6)), Duration.ofMinutes(2), 3, clock);

  private static byte[] entity(String id, String validUntil, String cacheDuration) {
    String xml = smallIdp(id).replace(" entityID=", " validUntil=\"" + validUntil + "\" cacheDuration=\""
        + cacheDuration + "\" entityID=");
    return signed(xml, FEDERATION);
  }

  @Test
  void entityIdWhenLookedUpThenUrlEncodedUnderEntitiesAndAnsweredVerified() {
    assertThat(source.urlOf(A)).isEqualTo(A_URL);
    assertThat(source.urlOf("urn:x:a b")).hasToString(
        "https://panosc.example.org/registry/mdq/entities/urn%3Ax%3Aa%20b");
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));

    Optional<IdpMetadata> m = result(source.lookup(A));

    assertThat(m.map(IdpMetadata::entityId)).contains(A);
    assertThat(m.get().singleSignOn()).containsEntry(IdpMetadata.Binding.REDIRECT, A + "/sso");
    assertThat(fetcher.requests).containsExactly(A_URL);
  }

  @Test
  void cachedEntityThenNotFetchedAgainUntilItsCacheDuration() {
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    result(source.lookup(A));
    clock.advance(Duration.ofMinutes(59));
    result(source.lookup(A));
    assertThat(fetcher.requests).hasSize(1);

    clock.advance(Duration.ofMinutes(1));
    assertThat(result(source.lookup(A))).isPresent();
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void etagKnownThenRefreshIsConditionalAndNotModifiedKeepsTheEntity() {
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    fetcher.etag(A_URL, "\"a1\"");
    result(source.lookup(A));
    fetcher.answer(A_URL, "unparseable".getBytes());

    clock.advance(Duration.ofHours(1));
    assertThat(result(source.lookup(A))).isPresent();
    clock.advance(Duration.ofMinutes(59));
    assertThat(result(source.lookup(A))).isPresent();

    assertThat(fetcher.conditions).containsExactly(Optional.empty(), Optional.of("\"a1\""));
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void notFoundThenRememberedForTheNegativeTtlOnly() {
    fetcher.notFound(A_URL);

    assertThat(result(source.lookup(A))).isEmpty();
    clock.advance(Duration.ofSeconds(119));
    assertThat(result(source.lookup(A))).isEmpty();
    assertThat(fetcher.requests).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    assertThat(result(source.lookup(A))).isPresent();
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void refreshFailsThenLastGoodCopyUntilValidUntilThenFailure() {
    fetcher.answer(A_URL, entity(A, "2031-05-01T11:00:00Z", "PT10M"));
    result(source.lookup(A));
    fetcher.fail(A_URL);

    clock.advance(Duration.ofMinutes(40));
    assertThat(result(source.lookup(A))).isPresent();

    clock.advance(Duration.ofMinutes(20));
    Future<Optional<IdpMetadata>> f = source.lookup(A);
    assertThat(f.failed()).as("expired metadata is never served").isTrue();
    assertThat(((MetadataRefusedException) f.cause()).kind()).isEqualTo(MetadataRefusedException.Kind.UNAVAILABLE);
  }

  @Test
  void answerSignedByAnotherKeyOrUnsignedOrForAnotherEntityThenRefused() {
    fetcher.answer(A_URL, signed(smallIdp(A).replace(" entityID=", " validUntil=\"2031-05-02T00:00:00Z\" entityID="),
        OTHER));
    assertRefused(MetadataRefusedException.Kind.SIGNATURE_INVALID);

    fetcher.answer(A_URL, bytes(smallIdp(A).replace(" entityID=", " validUntil=\"2031-05-02T00:00:00Z\" entityID=")));
    assertRefused(MetadataRefusedException.Kind.UNSIGNED);

    fetcher.answer(A_URL, entity("https://b.example.org/idp", "2031-05-02T00:00:00Z", "PT1H"));
    assertRefused(MetadataRefusedException.Kind.MALFORMED);

    fetcher.answer(A_URL, entity(A, "2031-05-01T09:00:00Z", "PT1H"));
    assertRefused(MetadataRefusedException.Kind.EXPIRED);
  }

  @Test
  void concurrentLookupsOfOneEntityThenOneFetch() {
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    fetcher.hold();
    List<Future<Optional<IdpMetadata>>> lookups = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lookups.add(source.lookup(A));
    }
    assertThat(lookups).noneMatch(Future::isComplete);

    fetcher.release();

    assertThat(lookups).allMatch(f -> f.succeeded() && f.result().isPresent());
    assertThat(fetcher.requests).hasSize(1);
    assertThat(source.fetches()).isEqualTo(1);
  }

  @Test
  void malformedEntityIdThenEmptyWithoutFetching() {
    assertThat(result(source.lookup(""))).isEmpty();
    assertThat(result(source.lookup("https://a.example.org/\nidp"))).isEmpty();
    assertThat(result(source.lookup("https://a.example.org/ idp"))).isEmpty();
    assertThat(result(source.lookup("https://a.example.org/\ud800"))).isEmpty();
    assertThat(result(source.lookup("https://" + "a".repeat(1100)))).isEmpty();
    assertThat(fetcher.requests).isEmpty();
  }

  @Test
  void cacheFullThenBoundedByDroppingNegativeEntriesFirst() {
    for (int i = 0; i < 3; i++) {
      fetcher.notFound(URI.create("https://panosc.example.org/registry/mdq/entities/x" + i));
      result(source.lookup("x" + i));
    }
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    result(source.lookup(A));

    result(source.lookup("x0"));
    assertThat(fetcher.requests).as("the negative entry was dropped to make room").hasSize(5);
    result(source.lookup(A));
    assertThat(fetcher.requests).as("the positive entry stayed").hasSize(5);
  }

  /**
   * A full cache is cleared: an IdP a person logged in through is then no longer held ({@code known}, what Single Logout
   * reads first), and looking it up again fetches it over MDQ (what Single Logout does next).
   */
  @Test
  void cacheFullOfPositiveEntriesThenClearedAndAnEvictedEntityIsFetchedAgain() {
    fetcher.answer(A_URL, entity(A, "2031-05-02T00:00:00Z", "PT1H"));
    result(source.lookup(A));
    for (int i = 0; i < 3; i++) {
      String id = "https://b" + i + ".example.org/idp";
      fetcher.answer(source.urlOf(id), entity(id, "2031-05-02T00:00:00Z", "PT1H"));
      result(source.lookup(id));
    }
    assertThat(source.known(NOW).stream().map(IdpMetadata::entityId)).as("A was evicted").doesNotContain(A);

    assertThat(result(source.lookup(A)).map(IdpMetadata::entityId)).contains(A);
    assertThat(fetcher.requests.stream().filter(A_URL::equals).count()).as("fetched again over MDQ").isEqualTo(2);
    assertThat(source.known(NOW).stream().map(IdpMetadata::entityId)).contains(A);
  }

  private void assertRefused(MetadataRefusedException.Kind kind) {
    Future<Optional<IdpMetadata>> f = source.lookup(A);
    assertThat(f.failed()).isTrue();
    assertThat(((MetadataRefusedException) f.cause()).kind()).isEqualTo(kind);
  }

  private static Optional<IdpMetadata> result(Future<Optional<IdpMetadata>> f) {
    assertThat(f.isComplete()).as("answered without waiting").isTrue();
    if (f.failed()) {
      throw new AssertionError(f.cause());
    }
    return f.result();
  }
}
