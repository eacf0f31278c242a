package eu.panosc.aai.saml.slo;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A logout message from an IdP whose metadata no source holds any more (evicted from an MDQ cache since the login) is
 * verified after its metadata is looked up again, not refused; an issuer still unknown, one without a
 * SingleLogoutService, or a message that does not verify under the fetched keys is refused with its reason.
 */
class LogoutReceiverTest {
  private static final String IDP = "https://idp.example/idp";
  private static final String SLO = "https://broker.example/aai/saml2/sp/slo";
  private static final SamlSubject SUBJECT = new SamlSubject(IDP, "pseudo-123",
      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", IDP, "https://broker.example/aai/saml2/sp/metadata",
      "_sess1");
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static SingleLogout.Idp idp(String slo, LogoutCodec.Binding binding) {
    return new SingleLogout.Idp(IDP, "Example IdP", slo, binding, () -> TestSamlKeys.signing().published());
  }

  private static String query(String url) {
    return url.substring(url.indexOf('?') + 1);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static SloReason refusal(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return ((SloRefusedException) e.getCause()).reason();
    }
    throw new AssertionError("expected a refusal");
  }

  /** Sources that no longer hold the IdP, and a fetch that brings it back into them (as an MDQ source does). */
  private static final class Evicted {
    final Map<String, SingleLogout.Idp> held = new ConcurrentHashMap<>();
    final AtomicInteger fetches = new AtomicInteger();
    final Function<String, Future<Optional<SingleLogout.Idp>>> fetch;

    Evicted(Optional<SingleLogout.Idp> upstream) {
      fetch = id -> {
        fetches.incrementAndGet();
        upstream.filter(i -> i.entityId().equals(id)).ifPresent(i -> held.put(id, i));
        return Future.succeededFuture(upstream.filter(i -> i.entityId().equals(id)));
      };
    }

    LogoutReceiver receiver() {
      return new LogoutReceiver(vertx, id -> Optional.ofNullable(held.get(id)), fetch);
    }
  }

  @Test
  void receiveWhenTheIssuerWasEvictedThenFetchedAgainAndVerifiedOverBothBindings() throws Exception {
    Evicted sources = new Evicted(Optional.of(idp(IDP + "/slo", LogoutCodec.Binding.REDIRECT)));
    String url = LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r1", "relay-1", TestSamlKeys.signing().current(),
        Instant.now(), Duration.ofMinutes(5));

    LogoutMessage m = await(sources.receiver().redirect(query(url)));

    assertThat(m.id()).isEqualTo("_r1");
    assertThat(m.issuer()).isEqualTo(IDP);
    assertThat(sources.fetches.get()).isEqualTo(1);
    await(sources.receiver().redirect(query(LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r2", null,
        TestSamlKeys.signing().current(), Instant.now(), Duration.ofMinutes(5)))));
    assertThat(sources.fetches.get()).as("held again: no second fetch").isEqualTo(1);

    Evicted post = new Evicted(Optional.of(idp(IDP + "/slo-post", LogoutCodec.Binding.POST)));
    LogoutMessage posted = await(post.receiver().post("SAMLResponse", LogoutCodec.postResponse(SLO, IDP, "_req9",
        SingleLogout.SUCCESS, null, TestSamlKeys.signing().current(), Instant.now()), "h"));
    assertThat(posted.inResponseTo()).isEqualTo("_req9");
    assertThat(post.fetches.get()).isEqualTo(1);
  }

  @Test
  void receiveWhenStillUnknownWithoutSloOrForeignKeyThenRefusedWithItsReason() throws Exception {
    String url = LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r3", null, TestSamlKeys.signing().current(),
        Instant.now(), Duration.ofMinutes(5));
    Evicted unknown = new Evicted(Optional.empty());
    assertThat(refusal(unknown.receiver().redirect(query(url)))).isEqualTo(SloReason.UNKNOWN_ISSUER);
    assertThat(unknown.fetches.get()).isEqualTo(1);

    Evicted noSlo = new Evicted(Optional.of(new SingleLogout.Idp(IDP, "Example IdP", null, null,
        () -> TestSamlKeys.signing().published())));
    assertThat(refusal(noSlo.receiver().redirect(query(url)))).as("nowhere to answer").isEqualTo(
        SloReason.UNKNOWN_ISSUER);

    String foreign = LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r4", null, TestSamlKeys.other().current(),
        Instant.now(), Duration.ofMinutes(5));
    Evicted fetched = new Evicted(Optional.of(idp(IDP + "/slo", LogoutCodec.Binding.REDIRECT)));
    assertThat(refusal(fetched.receiver().redirect(query(foreign)))).isEqualTo(SloReason.SIGNATURE_INVALID);

    LogoutReceiver failing = new LogoutReceiver(vertx, id -> Optional.empty(),
        id -> Future.failedFuture(new IllegalStateException("MDQ down")));
    assertThat(refusal(failing.redirect(query(url)))).isEqualTo(SloReason.UNKNOWN_ISSUER);
    assertThat(refusal(new LogoutReceiver(vertx, id -> Optional.empty(), id -> Future.succeededFuture(
        Optional.empty())).redirect("SAMLRequest=not-deflate"))).as("unreadable: no fetch needed")
        .isEqualTo(SloReason.MALFORMED);
  }

  @Test
  void receiveWhenTheIssuerIsHeldThenNoFetch() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    SingleLogout.Idp held = idp(IDP + "/slo", LogoutCodec.Binding.REDIRECT);
    LogoutReceiver receiver = new LogoutReceiver(vertx, id -> id.equals(IDP) ? Optional.of(held) : Optional.empty(),
        id -> {
          fetches.incrementAndGet();
          return Future.succeededFuture(Optional.empty());
        });

    await(receiver.redirect(query(LogoutCodec.redirectRequest(SLO, IDP, SUBJECT, "_r5", null,
        TestSamlKeys.signing().current(), Instant.now(), Duration.ofMinutes(5)))));

    assertThat(fetches.get()).isZero();
    assertThat(List.of(held.sloUrl())).containsExactly(IDP + "/slo");
  }
}
