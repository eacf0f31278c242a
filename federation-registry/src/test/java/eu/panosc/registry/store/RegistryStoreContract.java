package eu.panosc.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberDraft;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.OnboardingState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RegistryStore} must do. A backend's test extends this and supplies a store; earlier
 * tests' data may be present, so every test uses its own key prefix.
 */
public abstract class RegistryStoreContract {
  private static final Actor ADMIN = new Actor("admin", "rid-1");

  /** A store; earlier tests' data may be present. */
  protected abstract RegistryStore store();

  protected static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The failure of {@code f}, unwrapped (null when it succeeded). */
  protected static Throwable failure(Future<?> f) throws Exception {
    Throwable t = f.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static MemberDraft facility(String id) {
    return new MemberDraft(MemberKind.FACILITY, id, null, new JsonObject().put("id", id), null, null);
  }

  private static MemberDraft client(String id, String facility, String authMethod) {
    return new MemberDraft(MemberKind.OIDC_CLIENT, id, facility,
        new JsonObject().put("clientId", id).put("facility", facility).put("authMethod", authMethod), null, null);
  }

  private static StoreException.Reason reason(Throwable t) {
    assertThat(t).isInstanceOf(StoreException.class);
    return ((StoreException) t).reason();
  }

  @Test
  void createWhenNewThenReadableAtVersionOneAndAudited() throws Exception {
    long before = await(store().latestChange());
    Member m = await(store().create(facility("new-fac"), OnboardingState.PENDING, ADMIN));
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.state()).isEqualTo(OnboardingState.PENDING);
    assertThat(await(store().get(MemberKind.FACILITY, "new-fac"))).contains(m);
    long after = await(store().latestChange());
    assertThat(after).isGreaterThan(before);
    List<AuditEvent> events = await(store().audit(Optional.of(MemberKind.FACILITY), Optional.of("new-fac"), before, 10));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo("create");
      assertThat(e.actor()).isEqualTo("admin");
      assertThat(e.requestId()).isEqualTo("rid-1");
      assertThat(e.id()).isEqualTo(after);
    });
  }

  @Test
  void createWhenIdTakenThenConflictAndNothingWritten() throws Exception {
    await(store().create(facility("dup-fac"), OnboardingState.PENDING, ADMIN));
    long before = await(store().latestChange());
    assertThat(reason(failure(store().create(facility("dup-fac"), OnboardingState.APPROVED, ADMIN))))
        .isEqualTo(StoreException.Reason.CONFLICT);
    assertThat(await(store().latestChange())).isEqualTo(before);
    assertThat(await(store().get(MemberKind.FACILITY, "dup-fac"))).get().extracting(Member::state)
        .isEqualTo(OnboardingState.PENDING);
  }

  @Test
  void createWhenFacilityUnknownThenInvalidFieldNamingFacility() throws Exception {
    Throwable t = failure(store().create(client("orphan-client", "no-such-fac", "none"), OnboardingState.PENDING,
        ADMIN));
    assertThat(reason(t)).isEqualTo(StoreException.Reason.INVALID_FIELD);
    assertThat(((StoreException) t).field()).isEqualTo("/facility");
    assertThat(await(store().get(MemberKind.OIDC_CLIENT, "orphan-client"))).isEmpty();
  }

  @Test
  void createWhenFederationEntityIdTakenByAnotherMemberThenConflict() throws Exception {
    await(store().create(facility("fed-fac"), OnboardingState.PENDING, ADMIN));
    JsonObject federation = new JsonObject().put("entityId", "https://fed.example/rp");
    await(store().create(new MemberDraft(MemberKind.OIDC_CLIENT, "fed-a", "fed-fac", new JsonObject()
        .put("facility", "fed-fac").put("federation", federation), null, null), OnboardingState.PENDING, ADMIN));
    assertThat(reason(failure(store().create(new MemberDraft(MemberKind.OIDC_CLIENT, "fed-b", "fed-fac",
        new JsonObject().put("facility", "fed-fac").put("federation", federation.copy()), null, null),
        OnboardingState.PENDING, ADMIN)))).isEqualTo(StoreException.Reason.CONFLICT);
  }

  @Test
  void replaceWhenExpectedVersionStaleThenStaleVersionWithTheCurrentOne() throws Exception {
    await(store().create(facility("ver-fac"), OnboardingState.PENDING, ADMIN));
    Member two = await(store().replace(new MemberDraft(MemberKind.FACILITY, "ver-fac", null,
        new JsonObject().put("id", "ver-fac").put("name", "V"), null, null), OptionalLong.of(1), ADMIN));
    assertThat(two.version()).isEqualTo(2);
    assertThat(two.document().getString("name")).isEqualTo("V");
    Throwable t = failure(store().replace(facility("ver-fac"), OptionalLong.of(1), ADMIN));
    assertThat(reason(t)).isEqualTo(StoreException.Reason.STALE_VERSION);
    assertThat(((StoreException) t).currentVersion()).isEqualTo(2);
    assertThat(await(store().get(MemberKind.FACILITY, "ver-fac"))).contains(two);
  }

  @Test
  void replaceWhenFacilityChangesThenInvalidFieldAndWhenMissingThenNotFound() throws Exception {
    await(store().create(facility("mv-fac1"), OnboardingState.PENDING, ADMIN));
    await(store().create(facility("mv-fac2"), OnboardingState.PENDING, ADMIN));
    await(store().create(client("mv-client", "mv-fac1", "none"), OnboardingState.PENDING, ADMIN));
    Throwable moved = failure(store().replace(client("mv-client", "mv-fac2", "none"), OptionalLong.empty(), ADMIN));
    assertThat(reason(moved)).isEqualTo(StoreException.Reason.INVALID_FIELD);
    assertThat(((StoreException) moved).field()).isEqualTo("/facility");
    assertThat(reason(failure(store().replace(facility("mv-nobody"), OptionalLong.empty(), ADMIN))))
        .isEqualTo(StoreException.Reason.NOT_FOUND);
  }

  @Test
  void transitionWhenAllowedThenStateMovesElseConflict() throws Exception {
    await(store().create(facility("tr-fac"), OnboardingState.PENDING, ADMIN));
    assertThat(reason(failure(store().transition(MemberKind.FACILITY, "tr-fac", OnboardingState.SUSPENDED, ADMIN))))
        .isEqualTo(StoreException.Reason.CONFLICT);
    Member approved = await(store().transition(MemberKind.FACILITY, "tr-fac", OnboardingState.APPROVED, ADMIN));
    assertThat(approved.state()).isEqualTo(OnboardingState.APPROVED);
    assertThat(approved.version()).isEqualTo(2);
    assertThat(reason(failure(store().transition(MemberKind.FACILITY, "tr-nobody", OnboardingState.APPROVED, ADMIN))))
        .isEqualTo(StoreException.Reason.NOT_FOUND);
  }

  @Test
  void deleteWhenFacilityStillHasMembersThenConflictElseGone() throws Exception {
    await(store().create(facility("del-fac"), OnboardingState.PENDING, ADMIN));
    await(store().create(client("del-client", "del-fac", "none"), OnboardingState.PENDING, ADMIN));
    assertThat(reason(failure(store().delete(MemberKind.FACILITY, "del-fac", OptionalLong.empty(), ADMIN))))
        .isEqualTo(StoreException.Reason.CONFLICT);
    assertThat(reason(failure(store().delete(MemberKind.OIDC_CLIENT, "del-client", OptionalLong.of(7), ADMIN))))
        .isEqualTo(StoreException.Reason.STALE_VERSION);
    await(store().delete(MemberKind.OIDC_CLIENT, "del-client", OptionalLong.of(1), ADMIN));
    await(store().delete(MemberKind.FACILITY, "del-fac", OptionalLong.empty(), ADMIN));
    assertThat(await(store().get(MemberKind.FACILITY, "del-fac"))).isEmpty();
    assertThat(reason(failure(store().delete(MemberKind.FACILITY, "del-fac", OptionalLong.empty(), ADMIN))))
        .isEqualTo(StoreException.Reason.NOT_FOUND);
  }

  @Test
  void setSecretHashWhenClientAuthenticatesWithASecretThenStoredElseConflict() throws Exception {
    await(store().create(facility("sec-fac"), OnboardingState.PENDING, ADMIN));
    await(store().create(client("sec-basic", "sec-fac", "client_secret_basic"), OnboardingState.PENDING, ADMIN));
    await(store().create(client("sec-jwt", "sec-fac", "private_key_jwt"), OnboardingState.PENDING, ADMIN));
    Member m = await(store().setSecretHash("sec-basic", "hash-1", ADMIN));
    assertThat(m.version()).isEqualTo(2);
    assertThat(await(store().secretHash("sec-basic"))).contains("hash-1");
    assertThat(reason(failure(store().setSecretHash("sec-jwt", "hash-2", ADMIN))))
        .isEqualTo(StoreException.Reason.CONFLICT);
    assertThat(await(store().secretHash("sec-jwt"))).isEmpty();
    assertThat(reason(failure(store().setSecretHash("sec-nobody", "hash-3", ADMIN))))
        .isEqualTo(StoreException.Reason.NOT_FOUND);
  }

  @Test
  void listWhenFilteredByStateAndFacilityThenOnlyThoseInIdOrder() throws Exception {
    await(store().create(facility("ls-fac"), OnboardingState.APPROVED, ADMIN));
    await(store().create(client("ls-b", "ls-fac", "none"), OnboardingState.APPROVED, ADMIN));
    await(store().create(client("ls-a", "ls-fac", "none"), OnboardingState.APPROVED, ADMIN));
    await(store().create(client("ls-c", "ls-fac", "none"), OnboardingState.PENDING, ADMIN));
    assertThat(await(store().list(MemberKind.OIDC_CLIENT, Optional.of(OnboardingState.APPROVED), Optional.of("ls-fac"))))
        .extracting(Member::id).containsExactly("ls-a", "ls-b");
    assertThat(await(store().list(MemberKind.OIDC_CLIENT, Optional.empty(), Optional.of("ls-fac"))))
        .extracting(Member::id).containsExactly("ls-a", "ls-b", "ls-c");
  }
}
