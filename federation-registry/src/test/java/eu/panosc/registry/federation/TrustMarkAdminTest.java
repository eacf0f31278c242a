package eu.panosc.registry.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.keys.InMemoryKeyStorage;
import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.registry.oidfed.EntityStatements;
import eu.panosc.registry.oidfed.InMemoryTrustMarkStore;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustMarkIssuer;
import eu.panosc.registry.oidfed.TrustMarkStore.TrustMarkRecord;
import eu.panosc.registry.store.StoreException;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Trust mark administration refuses with domain errors (no HTTP types): the endpoint maps them. */
class TrustMarkAdminTest {
  private static final String MEMBER = "https://scicat.esrf.demo";
  private static final String SIRTFI = "https://refeds.org/sirtfi";

  private static final SubordinateSource ONE_MEMBER = new SubordinateSource() {
    @Override
    public Future<List<Subordinate>> approved() {
      return approved(MEMBER).map(found -> found.stream().toList());
    }

    @Override
    public Future<Optional<Subordinate>> approved(String entityId) {
      return Future.succeededFuture(MEMBER.equals(entityId)
          ? Optional.of(new Subordinate(MEMBER, Set.of("openid_relying_party"), new JWKSet(), null, null, null, false,
              false, List.of()))
          : Optional.empty());
    }
  };

  private final InMemoryTrustMarkStore store = new InMemoryTrustMarkStore();
  private final TrustMarkAdmin admin = admin(store);

  private static TrustMarkAdmin admin(InMemoryTrustMarkStore store) {
    Clock clock = Clock.systemUTC();
    RotatingSigningKeys keys = RotatingSigningKeys.open(new InMemoryKeyStorage(), clock, Duration.ofDays(90),
        Duration.ofDays(7)).result();
    TrustMarkIssuer issuer = new TrustMarkIssuer("https://cp.example/registry", new EntityStatements(keys), keys,
        store, clock);
    return new TrustMarkAdmin(issuer, store, ONE_MEMBER, Set.of(SIRTFI));
  }

  private static Throwable failure(Future<?> f) {
    assertThat(f.failed()).as("refused").isTrue();
    return f.cause();
  }

  @Test
  void issueWhenApprovedMemberThenStoredAndListed() {
    TrustMarkRecord issued = admin.issue(MEMBER, SIRTFI, 30).result();
    assertThat(issued.sub()).isEqualTo(MEMBER);
    assertThat(issued.expiresAt()).isEqualTo(issued.issuedAt().plus(Duration.ofDays(30)));
    assertThat(admin.list(SIRTFI, MEMBER).result()).extracting(TrustMarkRecord::id).containsExactly(issued.id());
  }

  @Test
  void issueWhenTypeUnknownThenInvalidInputNamingType() {
    assertThat(failure(admin.issue(MEMBER, "https://other.example/mark", 30)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("/type");
          assertThat(e.reason()).contains(SIRTFI);
        });
  }

  @Test
  void issueWhenLifetimeOutOfBoundsThenInvalidInputNamingLifetimeDays() {
    for (int days : new int[] {0, -1, 3651}) {
      assertThat(failure(admin.issue(MEMBER, SIRTFI, days))).as("%d days", days)
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/lifetimeDays"));
    }
  }

  @Test
  void issueWhenSubHasControlCharacterThenInvalidInputNamingSub() {
    assertThat(failure(admin.issue("https://a\u0000b", SIRTFI, 30)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/sub"));
  }

  @Test
  void issueWhenSubIsNoApprovedMemberThenInvalidFieldAndNothingStored() {
    assertThat(failure(admin.issue("https://unknown.example", SIRTFI, 30)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID_FIELD);
          assertThat(e.field()).isEqualTo("/sub");
        });
    assertThat(admin.list(null, null).result()).isEmpty();
  }

  @Test
  void revokeWhenUnknownThenNotFoundElseRevoked() {
    assertThat(failure(admin.revoke("no-such-mark")))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_FOUND));
    TrustMarkRecord issued = admin.issue(MEMBER, SIRTFI, 30).result();
    assertThat(admin.revoke(issued.id()).succeeded()).isTrue();
    assertThat(admin.list(SIRTFI, MEMBER).result()).singleElement().satisfies(r -> assertThat(r.revokedAt()).isNotNull());
  }
}
