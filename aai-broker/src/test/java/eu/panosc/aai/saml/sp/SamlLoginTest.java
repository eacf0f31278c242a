package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.attributes.IdentityAttributes;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.aai.attributes.yaml.YamlReader;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.saml.metadata.IdpMetadata;
import eu.panosc.aai.saml.metadata.IdpMetadataSource;
import eu.panosc.aai.saml.metadata.MetadataRefusedException;
import eu.panosc.aai.saml.validate.InMemoryReplayCache;
import eu.panosc.aai.saml.validate.SamlResponseConsumer;
import eu.panosc.aai.saml.validate.SamlResponseValidator;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SamlLogin} with several upstreams: which IdPs the page lists and how they are named, discovery, the checks
 * before a browser is sent to an IdP (known upstream and IdP, a valid signing certificate, an SSO endpoint), and the
 * flow cookie that binds the answer to the browser that started it.
 */
class SamlLoginTest {
  private static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  private static final String UMBRELLA = "https://umbrellaid.example.org/idp";
  private static final String EDU_A = "https://idp.university-a.example/idp";
  private static final String EDU_B = "https://idp.college-b.example/idp";
  private static Vertx vertx;
  private static X509Certificate valid;
  private static X509Certificate expired;
  private static AttributeMapper mapper;

  private final MutableClock clock = new MutableClock(NOW);
  private final InMemorySamlFlows flows = new InMemorySamlFlows(clock, Duration.ofMinutes(15));

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair keys = g.generateKeyPair();
    valid = certificate(keys, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(365)));
    expired = certificate(keys, NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1)));
    mapper = AttributeMapper.load(new UpstreamAttributeSettings("test", UpstreamAttributes.Protocol.SAML,
        Optional.empty(), List.of(), List.of(), List.of(), UserIdSource.DEFAULT_ORDER, Set.of(), Optional.empty(),
        IdentityAttributes.DEFAULT), YamlReader.withSystemEnvironment());
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static X509Certificate certificate(KeyPair keys, Instant from, Instant to) throws Exception {
    X500Name name = new X500Name("CN=idp");
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
        Date.from(from), Date.from(to), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }

  private static IdpMetadata idp(String entityId, String name, List<X509Certificate> certs, boolean sso) {
    return new IdpMetadata(entityId, certs, List.of(), sso ? Map.of(IdpMetadata.Binding.REDIRECT, entityId + "/sso")
        : Map.of(), Map.of(), List.of(), List.of(), Map.of(), Optional.ofNullable(name), Instant.MAX, Optional.empty());
  }

  /** A source holding {@code idps}; {@code known} answers them all (as an aggregate does). */
  private static IdpMetadataSource source(IdpMetadata... idps) {
    Map<String, IdpMetadata> byId = new java.util.HashMap<>();
    for (IdpMetadata m : idps) {
      byId.put(m.entityId(), m);
    }
    return new IdpMetadataSource() {
      @Override
      public Future<Optional<IdpMetadata>> lookup(String entityId) {
        return Future.succeededFuture(Optional.ofNullable(byId.get(entityId)));
      }

      @Override
      public List<IdpMetadata> known(Instant now) {
        return List.copyOf(byId.values());
      }
    };
  }

  private SamlLogin login(SamlUpstream... upstreams) {
    SpEndpoints sp = SpEndpoints.under(URI.create("https://broker.example.org/aai"));
    return new SamlLogin(sp, new AuthnRequests(sp, TestSamlKeys.signing(), clock), flows,
        new SamlResponseConsumer(vertx, new SamlResponseValidator(), new InMemoryReplayCache(clock)),
        TestSamlKeys.encryption(), List.of(upstreams), clock);
  }

  private static SamlUpstream listed(String id, String entityId, String name, IdpMetadataSource source) {
    return new SamlUpstream(id, Optional.of(entityId), Optional.ofNullable(name), source, mapper);
  }

  /** The failure of {@code f}, waited for (validation runs on a worker thread). */
  private static <T> Throwable failure(Future<T> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + f.result());
  }

  @Test
  void choicesWhenSeveralUpstreamsThenListedOnesNamedByConfigElseMetadataElseEntityId() {
    SamlLogin login = login(
        listed("umbrellaid", UMBRELLA, "UmbrellaID", source(idp(UMBRELLA, "Umbrella (from metadata)", List.of(valid),
            true))),
        listed("uni-a", EDU_A, null, source(idp(EDU_A, "University A", List.of(valid), true))),
        listed("bare", EDU_B, null, source()),
        new SamlUpstream("edugain", Optional.empty(), Optional.empty(), source(), mapper));

    List<SamlLogin.Choice> choices = login.choices().await();

    assertThat(choices).containsExactly(new SamlLogin.Choice("umbrellaid", UMBRELLA, "UmbrellaID"),
        new SamlLogin.Choice("uni-a", EDU_A, "University A"), new SamlLogin.Choice("bare", EDU_B, EDU_B));
    assertThat(login.discovery()).as("the edugain upstream has no listed IdP").isTrue();
  }

  @Test
  void choicesWhenASourceFailsThenItsIdpIsStillListed() {
    IdpMetadataSource broken = entityId -> Future.failedFuture(new MetadataRefusedException(
        MetadataRefusedException.Kind.UNAVAILABLE, "down"));

    assertThat(login(listed("umbrellaid", UMBRELLA, "UmbrellaID", broken)).choices().await())
        .containsExactly(new SamlLogin.Choice("umbrellaid", UMBRELLA, "UmbrellaID"));
    assertThat(login(listed("umbrellaid", UMBRELLA, "UmbrellaID", broken)).discovery()).isFalse();
  }

  @Test
  void searchWhenWordsOrAnExactEntityIdThenMatchingIdpsOfEveryUpstream() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, "UmbrellaID", source(idp(UMBRELLA, null, List.of(valid),
            true))),
        new SamlUpstream("edugain", Optional.empty(), Optional.empty(), source(
            idp(EDU_A, "University A", List.of(valid), true), idp(EDU_B, "College B", List.of(valid), true)), mapper));

    assertThat(login.search("university").await()).containsExactly(new SamlLogin.Choice("edugain", EDU_A,
        "University A"));
    assertThat(login.search("UMBRELLA").await()).extracting(SamlLogin.Choice::upstreamId).containsExactly("umbrellaid");
    assertThat(login.search(EDU_B).await()).containsExactly(new SamlLogin.Choice("edugain", EDU_B, "College B"));
    assertThat(login.search("nowhere").await()).isEmpty();
    assertThat(login.search("  ").await()).isEmpty();
    assertThat(login.search("bad\u0000text").await()).as("control characters are not searched").isEmpty();
  }

  @Test
  void startWhenListedIdpUsableThenSignedRedirectAndAFlowForThatUpstream() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, null, source(idp(UMBRELLA, null, List.of(valid), true))));

    SamlLogin.Started started = login.start("pending-1", "umbrellaid", null, List.of(), false).await();

    assertThat(started.url()).startsWith(UMBRELLA + "/sso?SAMLRequest=").contains("&Signature=");
    var taken = flows.take(started.handle()).await();
    assertThat(taken).isInstanceOfSatisfying(SamlFlows.Lookup.Found.class, f -> {
      assertThat(f.flow().upstreamId()).isEqualTo("umbrellaid");
      assertThat(f.flow().idpEntityId()).isEqualTo(UMBRELLA);
      assertThat(f.flow().pendingId()).isEqualTo("pending-1");
    });
  }

  @Test
  void startWhenDiscoveredIdpThenTheFlowNamesIt() {
    SamlLogin login = login(new SamlUpstream("edugain", Optional.empty(), Optional.empty(),
        source(idp(EDU_A, "University A", List.of(valid), true)), mapper));

    SamlLogin.Started started = login.start("p", "edugain", EDU_A, List.of(), false).await();

    assertThat(started.url()).startsWith(EDU_A + "/sso?");
  }

  @Test
  void startWhenUnknownUpstreamOrIdpOrAnotherIdpOfAListedUpstreamThenPageAndNoFlow() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, null, source(idp(UMBRELLA, null, List.of(valid), true))),
        new SamlUpstream("edugain", Optional.empty(), Optional.empty(), source(), mapper));
    Function<Future<?>, ErrorPage> page = f -> (ErrorPage) failure(f);

    for (Future<?> f : List.of(login.start("p", "nope", null, List.of(), false),
        login.start("p", null, null, List.of(), false),
        login.start("p", "umbrellaid", EDU_A, List.of(), false),
        login.start("p", "edugain", EDU_A, List.of(), false),
        login.start("p", "edugain", null, List.of(), false))) {
      assertThat(page.apply(f).status()).isEqualTo(400);
      assertThat(page.apply(f).title()).isEqualTo("Identity provider not known");
    }
  }

  @Test
  void startWhenEverySigningCertificateExpiredThenUnavailablePageBeforeAnyRedirect() {
    SamlLogin login = login(listed("old", UMBRELLA, "Old IdP", source(idp(UMBRELLA, null, List.of(expired), true))));

    ErrorPage page = (ErrorPage) failure(login.start("p", "old", null, List.of(), false));

    assertThat(page.status()).isEqualTo(503);
    assertThat(page.title()).isEqualTo("Sign-in through Old IdP unavailable");
  }

  @Test
  void startWhenOneCertificateExpiredAndAnotherValidThenStarts() {
    SamlLogin login = login(listed("rolling", UMBRELLA, null, source(idp(UMBRELLA, null, List.of(expired, valid),
        true))));

    assertThat(login.start("p", "rolling", null, List.of(), false).await().url()).startsWith(UMBRELLA + "/sso?");
  }

  @Test
  void startWhenNoRedirectSsoEndpointOrSourceDownThenUnavailable() {
    assertThat(((ErrorPage) failure(login(listed("x", UMBRELLA, "X", source(idp(UMBRELLA, null, List.of(valid),
        false)))).start("p", "x", null, List.of(), false))).status()).isEqualTo(503);
    IdpMetadataSource down = entityId -> Future.failedFuture(new MetadataRefusedException(
        MetadataRefusedException.Kind.UNAVAILABLE, "down"));
    assertThat(((ErrorPage) failure(login(listed("x", UMBRELLA, "X", down)).start("p", "x", null, List.of(), false)))
        .status()).isEqualTo(503);
  }

  @Test
  void finishWhenTheBrowserLacksTheFlowCookieThenRefusedAndTheFlowStaysUsable() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, null, source(idp(UMBRELLA, null, List.of(valid), true))));
    String handle = login.start("p", "umbrellaid", null, List.of(), false).await().handle();

    for (String cookie : new String[] {null, "", SamlLogin.binding("another-handle")}) {
      ErrorPage page = (ErrorPage) failure(login.finish(handle, "PHJlc3BvbnNlLz4=".getBytes(), cookie));
      assertThat(page.status()).isEqualTo(403);
      assertThat(page.title()).isEqualTo("Sign-in started elsewhere");
    }
    assertThat(flows.take(handle).await()).as("not consumed by the refused posts")
        .isInstanceOf(SamlFlows.Lookup.Found.class);
  }

  @Test
  void finishWhenTheFlowCookieMatchesThenTheFlowIsTakenAndTheAnswerValidated() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, "UmbrellaID", source(idp(UMBRELLA, null, List.of(valid),
        true))));
    String handle = login.start("p", "umbrellaid", null, List.of(), false).await().handle();

    ErrorPage page = (ErrorPage) failure(login.finish(handle, "PHJlc3BvbnNlLz4=".getBytes(),
        SamlLogin.binding(handle)));

    assertThat(page.title()).as("past the cookie: the garbage answer itself is refused")
        .isEqualTo("Sign-in answer not accepted");
    assertThat(flows.take(handle).await()).isInstanceOf(SamlFlows.Lookup.Replayed.class);
  }

  @Test
  void flowCookieWhenDerivedFromAHandleThenStableNamePerHandleAndAHashValue() {
    String a = SamlLogin.flowCookieName("handle-a");

    assertThat(a).startsWith(SamlLogin.FLOW_COOKIE_PREFIX).matches("[A-Za-z0-9_]+")
        .isEqualTo(SamlLogin.flowCookieName("handle-a")).isNotEqualTo(SamlLogin.flowCookieName("handle-b"));
    assertThat(SamlLogin.binding("handle-a")).hasSize(43).doesNotContain("handle-a");
  }

  @Test
  void unmetAuthenticationWhenTheDescriptionHasQuotesOrNonAsciiThenOnlyRfc6749Characters() {
    String d = new SamlLogin.UnmetAuthentication("p", "Universit\u00e9 \"A\" \\ said x".repeat(30)).getMessage();

    assertThat(d).hasSizeLessThanOrEqualTo(300).startsWith("Universit? ?A? ? said x")
        .matches("[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]+");
  }

  private static IdpMetadata withSlo(String entityId, String name, List<X509Certificate> certs) {
    return new IdpMetadata(entityId, certs, List.of(), Map.of(IdpMetadata.Binding.REDIRECT, entityId + "/sso"),
        Map.of(IdpMetadata.Binding.REDIRECT, entityId + "/slo", IdpMetadata.Binding.POST, entityId + "/slo-post"),
        List.of(), List.of(), Map.of(), Optional.ofNullable(name), Instant.MAX, Optional.empty());
  }

  @Test
  void singleLogoutFindsTheIdpOfEveryUpstreamInItsMetadata() {
    SamlLogin login = login(listed("umbrellaid", UMBRELLA, "UmbrellaID", source(withSlo(UMBRELLA, "Umbrella md",
            List.of(valid, expired)), withSlo(EDU_B, "College B", List.of(valid)))),
        new SamlUpstream("edugain", Optional.empty(), Optional.empty(), source(withSlo(EDU_A, "University A",
            List.of(valid)), idp(EDU_B, "College B", List.of(valid), true)), mapper));

    SamlLogin.LogoutIdp umbrella = login.logoutIdp(UMBRELLA).orElseThrow();
    assertThat(umbrella.displayName()).as("the configured name wins").isEqualTo("UmbrellaID");
    assertThat(umbrella.sloUrl()).isEqualTo(UMBRELLA + "/slo");
    assertThat(umbrella.signingCertificates()).as("only certificates valid now").containsExactly(valid);

    SamlLogin.LogoutIdp a = login.logoutIdp(EDU_A).orElseThrow();
    assertThat(a.displayName()).as("a discovery upstream's IdP: named by its metadata").isEqualTo("University A");
    assertThat(a.sloUrl()).isEqualTo(EDU_A + "/slo");

    SamlLogin.LogoutIdp b = login.logoutIdp(EDU_B).orElseThrow();
    assertThat(b.singleLogout()).as("the listed upstream holds B but does not log in through it; the discovery "
        + "upstream's B has no SingleLogoutService: a local-only logout, named").isFalse();
    assertThat(b.displayName()).isEqualTo("College B");
    assertThat(umbrella.sloBinding()).as("HTTP-Redirect preferred").isEqualTo(IdpMetadata.Binding.REDIRECT);
    assertThat(login(listed("expired", UMBRELLA, "Expired", source(withSlo(UMBRELLA, null, List.of(expired)))),
        listed("current", UMBRELLA, "Current", source(withSlo(UMBRELLA, null, List.of(valid)))))
        .logoutIdp(UMBRELLA).orElseThrow().displayName())
        .as("the same IdP in two upstreams: the one with a certificate valid now").isEqualTo("Current");
    assertThat(login(listed("expired", UMBRELLA, "Expired", source(withSlo(UMBRELLA, null, List.of(expired)))))
        .logoutIdp(UMBRELLA).orElseThrow().signingCertificates()).as("none valid: no key to verify with").isEmpty();
    assertThat(login.logoutIdp("https://unknown.example/idp")).isEmpty();
    assertThat(login.logoutIdp(null)).isEmpty();
  }

  @Test
  void singleLogoutWhenTheIdpOffersOnlyHttpPostThenThePostEndpoint() {
    IdpMetadata postOnly = new IdpMetadata(EDU_A, List.of(valid), List.of(), Map.of(IdpMetadata.Binding.REDIRECT,
        EDU_A + "/sso"), Map.of(IdpMetadata.Binding.POST, EDU_A + "/slo-post"), List.of(), List.of(), Map.of(),
        Optional.of("University A"), Instant.MAX, Optional.empty());

    SamlLogin.LogoutIdp a = login(listed("uni-a", EDU_A, null, source(postOnly))).logoutIdp(EDU_A).orElseThrow();

    assertThat(a.sloUrl()).isEqualTo(EDU_A + "/slo-post");
    assertThat(a.sloBinding()).isEqualTo(IdpMetadata.Binding.POST);
    assertThat(a.signingCertificates()).containsExactly(valid);
  }

  /**
   * An MDQ source that evicted the IdP since the login holds nothing now: {@code logoutIdp} (no fetch) answers nothing,
   * {@code fetchLogoutIdp} looks it up again through the upstream's source and answers from what it then holds.
   */
  @Test
  void singleLogoutWhenTheSourceNoLongerHoldsTheIdpThenFetchedAgain() throws Exception {
    java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    java.util.Map<String, IdpMetadata> cache = new java.util.concurrent.ConcurrentHashMap<>();
    IdpMetadataSource evicting = new IdpMetadataSource() {
      @Override
      public Future<Optional<IdpMetadata>> lookup(String entityId) {
        lookups.incrementAndGet();
        IdpMetadata m = withSlo(entityId, "Umbrella md", List.of(valid));
        cache.put(entityId, m);
        return Future.succeededFuture(Optional.of(m));
      }

      @Override
      public List<IdpMetadata> known(Instant now) {
        return List.copyOf(cache.values());
      }
    };
    SamlLogin login = login(listed("mdq", UMBRELLA, null, evicting), listed("other", EDU_A, null, source()));

    assertThat(login.logoutIdp(UMBRELLA)).as("not held now: nothing without a fetch").isEmpty();
    SamlLogin.LogoutIdp fetched = login.fetchLogoutIdp(UMBRELLA).toCompletionStage().toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
    assertThat(fetched.sloUrl()).isEqualTo(UMBRELLA + "/slo");
    assertThat(lookups.get()).as("only the upstream that logs in through it is asked").isEqualTo(1);
    assertThat(login.fetchLogoutIdp(UMBRELLA).toCompletionStage().toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS)).isPresent();
    assertThat(lookups.get()).as("held again: no second fetch").isEqualTo(1);
    assertThat(login.fetchLogoutIdp("https://unknown.example/idp").toCompletionStage().toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS)).as("an IdP no upstream logs in through").isEmpty();
    assertThat(lookups.get()).isEqualTo(1);
    IdpMetadataSource failing = new IdpMetadataSource() {
      @Override
      public Future<Optional<IdpMetadata>> lookup(String entityId) {
        return Future.failedFuture(new IllegalStateException("MDQ down"));
      }
    };
    assertThat(login(listed("down", UMBRELLA, null, failing)).fetchLogoutIdp(UMBRELLA).toCompletionStage()
        .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS)).as("a source that cannot answer")
        .isEmpty();
  }
}
