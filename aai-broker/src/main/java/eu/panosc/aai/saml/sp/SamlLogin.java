package eu.panosc.aai.saml.sp;

import eu.panosc.aai.attributes.MappedIdentity;
import eu.panosc.aai.attributes.MissingAttributesException;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.saml.metadata.IdpMetadata;
import eu.panosc.aai.saml.validate.Expectation;
import eu.panosc.aai.saml.validate.Reason;
import eu.panosc.aai.saml.validate.SamlRejectedException;
import eu.panosc.aai.saml.validate.SamlResponseConsumer;
import eu.panosc.aai.saml.validate.ValidatedLogin;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins through the configured SAML upstreams, both halves: {@link #start} finds the IdP (a listed upstream's one
 * IdP, or one reached through discovery), checks its metadata is usable (a signing certificate that has not expired,
 * an HTTP-Redirect SSO endpoint), remembers the flow server-side under an opaque RelayState handle and answers the
 * signed HTTP-Redirect to the IdP; {@link #finish} checks the browser is the one that started the flow (the flow
 * cookie), takes the flow back (once), validates the POSTed Response against it (signature with the IdP's metadata keys
 * only, InResponseTo = our request, audience, times, one-time use) and maps the verified assertion's attributes with
 * the upstream's own mapper. Failures are {@link ErrorPage}s saying what the person can do, with the operator's reason
 * logged; an IdP that cannot authenticate as strongly as the client asked ends in {@link UnmetAuthentication}, which
 * the caller turns into an OIDC error for the client.
 */
public final class SamlLogin {
  private static final Logger LOG = LoggerFactory.getLogger(SamlLogin.class);
  /** Clock skew allowed between the IdP and us. */
  static final Duration SKEW = Duration.ofMinutes(2);
  /** The flow cookie's name starts with this; the rest is derived from the RelayState handle (one cookie per flow). */
  public static final String FLOW_COOKIE_PREFIX = "panosc_saml_flow_";
  /** Discovery answers at most this many IdPs. */
  static final int MAX_MATCHES = 20;
  /** A discovery query longer than this is refused. */
  static final int MAX_QUERY = 1024;

  /** An IdP the person can choose: the upstream it belongs to, its entity id, what the page calls it. */
  public record Choice(String upstreamId, String entityId, String displayName) {
    public Choice {
      Objects.requireNonNull(upstreamId, "upstreamId");
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(displayName, "displayName");
    }
  }

  /** A started login: where to send the browser, and the flow's RelayState handle (bind it with {@link #binding}). */
  public record Started(String url, String handle) {}

  /**
   * A finished login: the pending OIDC authorization it continues, who logged in, and the SAML subject (NameID,
   * SessionIndex) for Single Logout (null when the assertion had no NameID).
   */
  public record Finished(String pendingId, UpstreamIdentity identity, SamlSubject subject) {
    public Finished(String pendingId, UpstreamIdentity identity) {
      this(pendingId, identity, null);
    }
  }

  /**
   * The IdP did not (or said it cannot) authenticate as the client required ({@code acr_values}): the pending
   * authorization {@code pendingId} ends with OpenID Connect's {@code unmet_authentication_requirements}.
   */
  public static final class UnmetAuthentication extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String pendingId;

    /** @param description for the client's {@code error_description}: reduced to RFC 6749's characters, 300 at most */
    public UnmetAuthentication(String pendingId, String description) {
      super(errorDescription(description), null, false, false);
      this.pendingId = Objects.requireNonNull(pendingId, "pendingId");
    }

    public String pendingId() {
      return pendingId;
    }

    /** RFC 6749 §4.1.2.1: error_description is %x20-21 / %x23-5B / %x5D-7E; anything else becomes '?'. */
    static String errorDescription(String text) {
      StringBuilder b = new StringBuilder();
      text.codePoints().limit(300).forEach(c -> b.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'
          ? (char) c : '?'));
      return b.toString();
    }
  }

  private final SpEndpoints sp;
  private final AuthnRequests requests;
  private final SamlFlows flows;
  private final SamlResponseConsumer consumer;
  private final SamlKeys encryption;
  private final Map<String, SamlUpstream> upstreams;
  private final Clock clock;
  private final UpstreamAuthorities authorities;

  public SamlLogin(SpEndpoints sp, AuthnRequests requests, SamlFlows flows, SamlResponseConsumer consumer,
      SamlKeys encryption, List<SamlUpstream> upstreams, Clock clock) {
    this(sp, requests, flows, consumer, encryption, upstreams, clock, UpstreamAuthorities.NONE);
  }

  /**
   * @param authorities the entitlement authorities each upstream is trusted for beyond its configured list (the
   *     registry's upstream IdP member of the same id)
   */
  public SamlLogin(SpEndpoints sp, AuthnRequests requests, SamlFlows flows, SamlResponseConsumer consumer,
      SamlKeys encryption, List<SamlUpstream> upstreams, Clock clock, UpstreamAuthorities authorities) {
    this.authorities = Objects.requireNonNull(authorities, "authorities");
    this.sp = Objects.requireNonNull(sp, "sp");
    this.requests = Objects.requireNonNull(requests, "requests");
    this.flows = Objects.requireNonNull(flows, "flows");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.encryption = Objects.requireNonNull(encryption, "encryption");
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, SamlUpstream> byId = new LinkedHashMap<>();
    for (SamlUpstream u : upstreams) {
      if (byId.putIfAbsent(u.upstreamId(), u) != null) {
        throw new IllegalArgumentException("SAML upstream " + u.upstreamId() + " given twice");
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("a SAML login needs at least one upstream");
    }
    this.upstreams = java.util.Collections.unmodifiableMap(byId);
  }

  /** The upstreams, in configuration order. */
  public List<SamlUpstream> upstreams() {
    return List.copyOf(upstreams.values());
  }

  /** Whether an upstream is reached through discovery (it has no one listed IdP), so the page shows the search box. */
  public boolean discovery() {
    return upstreams.values().stream().anyMatch(u -> !u.listed());
  }

  /**
   * The IdPs the login page lists (the upstreams with one configured IdP), named by their metadata's display name,
   * else the configured one, else the entity id. A source that cannot answer right now does not hide its IdP.
   */
  public Future<List<Choice>> choices() {
    List<Future<Choice>> all = new ArrayList<>();
    for (SamlUpstream u : upstreams.values()) {
      if (u.listed()) {
        String entityId = u.entityId().orElseThrow();
        all.add(u.metadata().lookup(entityId).map(m -> m.flatMap(IdpMetadata::displayName))
            .otherwise(Optional.empty())
            .map(name -> new Choice(u.upstreamId(), entityId, u.displayName().or(() -> name).orElse(entityId))));
      }
    }
    return Future.all(all).map(done -> all.stream().map(Future::result).toList());
  }

  /**
   * The discovery box: the IdPs whose entity id equals {@code query}, or whose entity id or display name contains it
   * (case-insensitive), among the listed upstreams and every IdP the discovery upstreams' sources hold (an exact entity
   * id is also looked up, e.g. over MDQ). Empty when nothing matches; at most {@link #MAX_MATCHES}.
   */
  public Future<List<Choice>> search(String query) {
    String q = query == null ? "" : query.strip();
    if (q.isEmpty() || !eu.panosc.platform.input.Input.isClean(q, MAX_QUERY)) {
      return Future.succeededFuture(List.of());
    }
    Instant now = clock.instant();
    return choices().compose(listed -> {
      Map<String, Choice> found = new LinkedHashMap<>();
      String needle = q.toLowerCase(Locale.ROOT);
      for (Choice c : listed) {
        if (c.entityId().equals(q) || contains(c.entityId(), needle) || contains(c.displayName(), needle)) {
          found.putIfAbsent(c.upstreamId() + " " + c.entityId(), c);
        }
      }
      List<Future<Optional<Choice>>> exact = new ArrayList<>();
      for (SamlUpstream u : upstreams.values()) {
        if (u.listed()) {
          continue;
        }
        for (IdpMetadata m : u.metadata().known(now)) {
          String name = m.displayName().orElse(m.entityId());
          if (m.entityId().equals(q) || contains(m.entityId(), needle) || contains(name, needle)) {
            found.putIfAbsent(u.upstreamId() + " " + m.entityId(), new Choice(u.upstreamId(), m.entityId(), name));
          }
        }
        exact.add(u.metadata().lookup(q).map(m -> m.map(x -> new Choice(u.upstreamId(), x.entityId(),
            x.displayName().orElse(x.entityId())))).otherwise(Optional.empty()));
      }
      return Future.all(exact).map(done -> {
        for (Future<Optional<Choice>> f : exact) {
          f.result().ifPresent(c -> found.putIfAbsent(c.upstreamId() + " " + c.entityId(), c));
        }
        return found.values().stream().limit(MAX_MATCHES).toList();
      });
    });
  }

  private static boolean contains(String haystack, String lowerNeedle) {
    return haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }

  /**
   * Starts a login for the pending authorization {@code pendingId} at the IdP {@code entityId} of upstream
   * {@code upstreamId} ({@code entityId} null: the upstream's listed IdP): the URL to send the browser to (the IdP's
   * SSO endpoint with a signed AuthnRequest and the flow's handle as RelayState), and the handle.
   */
  public Future<Started> start(String pendingId, String upstreamId, String entityId, List<String> requestedAcr,
      boolean forceAuthn) {
    SamlUpstream upstream = upstreamId == null ? null : upstreams.get(upstreamId);
    if (upstream == null) {
      return Future.failedFuture(unknownIdp());
    }
    String idpId = entityId == null || entityId.isEmpty() ? upstream.entityId().orElse(null) : entityId;
    if (idpId == null || upstream.entityId().isPresent() && !upstream.entityId().get().equals(idpId)
        || !eu.panosc.platform.input.Input.isClean(idpId, MAX_QUERY)) {
      return Future.failedFuture(unknownIdp());
    }
    return usable(upstream, idpId).compose(idp -> {
      String sso = idp.metadata().singleSignOn().get(IdpMetadata.Binding.REDIRECT);
      if (sso == null) {
        LOG.error("SAML IdP {} (upstream {}) has no HTTP-Redirect SingleSignOnService in its metadata; logins "
            + "through it are refused until it has one", printable(idpId), upstream.upstreamId());
        return Future.failedFuture(unavailable(idp.name()));
      }
      String requestId = AuthnRequests.newRequestId();
      SamlFlow flow;
      try {
        flow = new SamlFlow(requestId, idpId, pendingId, requestedAcr, upstream.upstreamId());
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new ErrorPage(400, "Sign-in request not understood",
            "This sign-in request could not be read. Go back to the application and start again."));
      }
      return flows.start(flow).map(handle -> new Started(requests.redirect(sso, flow.requestedAcr(), forceAuthn,
          handle, requestId).url(), handle));
    });
  }

  /**
   * What SAML Single Logout needs of an IdP: its entity id, the name pages show, its SingleLogoutService location and
   * binding (HTTP-Redirect when it offers one, else HTTP-POST; both null when it offers neither, so a logout can only
   * be local) and its signing certificates valid now.
   */
  public record LogoutIdp(String entityId, String displayName, String sloUrl, IdpMetadata.Binding sloBinding,
      List<X509Certificate> signingCertificates) {
    public LogoutIdp {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(displayName, "displayName");
      if ((sloUrl == null) != (sloBinding == null)) {
        throw new IllegalArgumentException("a Single Logout location needs its binding");
      }
      signingCertificates = List.copyOf(signingCertificates);
    }

    /** An IdP with an HTTP-Redirect SingleLogoutService. */
    public LogoutIdp(String entityId, String displayName, String sloUrl, List<X509Certificate> signingCertificates) {
      this(entityId, displayName, Objects.requireNonNull(sloUrl, "sloUrl"), IdpMetadata.Binding.REDIRECT,
          signingCertificates);
    }

    /** Whether the IdP has a SingleLogoutService we can use. */
    public boolean singleLogout() {
      return sloUrl != null;
    }
  }

  /**
   * The IdP {@code entityId} as Single Logout sees it, from the metadata an upstream's source holds now (never a
   * fetch: a login through it looked it up, so an MDQ source has it cached; an aggregate or file holds all of its
   * IdPs): an upstream listing one IdP answers only for that one, a discovery upstream for any IdP its source holds.
   * Its SingleLogoutService is the HTTP-Redirect one, else the HTTP-POST one. Several upstreams may hold it (the same
   * IdP listed and in an aggregate): the first whose metadata has a SingleLogoutService and a signing certificate valid
   * now, else the first with the endpoint (its messages then fail verification, logged), else the first holding it at
   * all (no SingleLogoutService: logged out here only). Empty when no upstream holds valid metadata of it.
   */
  public Optional<LogoutIdp> logoutIdp(String entityId) {
    if (entityId == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    LogoutIdp withoutKeys = null;
    LogoutIdp withoutSlo = null;
    for (SamlUpstream u : upstreams.values()) {
      if (u.entityId().isPresent() && !u.entityId().get().equals(entityId)) {
        continue;
      }
      for (IdpMetadata m : u.metadata().known(now)) {
        if (!m.entityId().equals(entityId)) {
          continue;
        }
        IdpMetadata.Binding binding = m.singleLogout().containsKey(IdpMetadata.Binding.REDIRECT)
            ? IdpMetadata.Binding.REDIRECT : m.singleLogout().containsKey(IdpMetadata.Binding.POST)
                ? IdpMetadata.Binding.POST : null;
        String name = u.displayName().or(m::displayName).orElse(entityId);
        List<X509Certificate> valid = m.signingCertificates().stream().filter(c -> validAt(c, now)).toList();
        if (binding == null) {
          withoutSlo = withoutSlo == null ? new LogoutIdp(entityId, name, null, null, valid) : withoutSlo;
          continue;
        }
        LogoutIdp idp = new LogoutIdp(entityId, name, m.singleLogout().get(binding), binding, valid);
        if (!idp.signingCertificates().isEmpty()) {
          return Optional.of(idp);
        }
        withoutKeys = withoutKeys == null ? idp : withoutKeys;
      }
    }
    return Optional.ofNullable(withoutKeys != null ? withoutKeys : withoutSlo);
  }

  /**
   * As {@link #logoutIdp}, but when no source holds the IdP now (an MDQ cache evicted it since the login), it is looked
   * up again through every upstream that may log in through it (an MDQ source fetches it; a listed upstream only for its
   * own IdP), then answered from what the sources hold. A source that cannot answer counts as not knowing it.
   */
  public Future<Optional<LogoutIdp>> fetchLogoutIdp(String entityId) {
    Optional<LogoutIdp> known = logoutIdp(entityId);
    if (known.isPresent() || entityId == null || !eu.panosc.platform.input.Input.isClean(entityId, MAX_QUERY)) {
      return Future.succeededFuture(known);
    }
    List<Future<Optional<IdpMetadata>>> lookups = new ArrayList<>();
    for (SamlUpstream u : upstreams.values()) {
      if (u.entityId().isEmpty() || u.entityId().get().equals(entityId)) {
        lookups.add(u.metadata().lookup(entityId).otherwise(e -> {
          LOG.warn("SAML metadata of IdP {} (upstream {}) could not be fetched again for a logout: {}",
              printable(entityId), u.upstreamId(), e.getMessage());
          return Optional.empty();
        }));
      }
    }
    return Future.join(lookups).transform(done -> {
      Optional<LogoutIdp> again = logoutIdp(entityId);
      LOG.info("SAML IdP {} was no longer held by any metadata source; fetched again for a logout: {}",
          printable(entityId), again.isPresent() ? "found" : "not found");
      return Future.succeededFuture(again);
    });
  }

  /** An IdP's verified metadata, its usable signing certificates and the name to show. */
  private record Usable(IdpMetadata metadata, List<X509Certificate> certificates, String name) {}

  /**
   * The metadata of {@code entityId} from {@code upstream}'s source, with the signing certificates valid now: an IdP
   * the source does not know is a page for the person; one whose source cannot answer, or whose every signing
   * certificate has expired, is refused with a line telling the operator what to fix.
   */
  private Future<Usable> usable(SamlUpstream upstream, String entityId) {
    return upstream.metadata().lookup(entityId).recover(e -> {
      LOG.error("SAML metadata of IdP {} (upstream {}) is not available ({}); logins through it are refused",
          printable(entityId), upstream.upstreamId(), e.getMessage());
      return Future.failedFuture(unavailable(upstream.displayName().orElse(entityId)));
    }).compose(found -> {
      if (found.isEmpty()) {
        LOG.info("SAML IdP {} is not known to upstream {}", printable(entityId), upstream.upstreamId());
        return Future.failedFuture(unknownIdp());
      }
      IdpMetadata m = found.get();
      String name = upstream.displayName().or(m::displayName).orElse(entityId);
      Instant now = clock.instant();
      List<X509Certificate> valid = m.signingCertificates().stream().filter(c -> validAt(c, now)).toList();
      if (valid.isEmpty()) {
        LOG.error("SAML IdP {} (upstream {}): no signing certificate in its metadata is valid now ({}); logins "
            + "through it are refused until its metadata carries a current certificate (ask the IdP's operator to "
            + "publish one, then refresh the metadata)", printable(entityId), upstream.upstreamId(),
            m.signingCertificates().isEmpty() ? "it has none" : m.signingCertificates().stream()
                .map(c -> "valid " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant()).toList());
        return Future.failedFuture(unavailable(name));
      }
      return Future.succeededFuture(new Usable(m, valid, name));
    });
  }

  private static boolean validAt(X509Certificate c, Instant now) {
    return !now.plus(SKEW).isBefore(c.getNotBefore().toInstant()) && now.isBefore(c.getNotAfter().toInstant());
  }

  private static ErrorPage unknownIdp() {
    return new ErrorPage(400, "Identity provider not known",
        "We do not know this identity provider, so we cannot send you there to sign in. Go back, choose your "
            + "organisation from the list or search for it again.");
  }

  private static ErrorPage unavailable(String name) {
    return new ErrorPage(503, "Sign-in through " + name + " unavailable",
        "We cannot sign you in through " + name + " right now: its published information is not usable. Please try "
            + "again later or choose another way to sign in; the service desk has been told.");
  }

  /** The flow cookie's name for the RelayState {@code handle}. */
  public static String flowCookieName(String handle) {
    return FLOW_COOKIE_PREFIX + binding(handle).substring(0, 16).replace('-', 'A').replace('_', 'B');
  }

  /** The flow cookie's value for {@code handle}: the SHA-256 of the handle (base64url). */
  public static String binding(String handle) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(Objects.requireNonNull(handle, "handle").getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The IdP posted {@code samlResponse} (base64) with {@code relayState}, and the browser sent {@code flowCookie}
   * (the value of {@link #flowCookieName} for this RelayState, or null): the identity, or a failed future. A browser
   * without the flow's cookie did not start this login (a response injected into another browser: login CSRF) and is
   * refused before the flow is touched.
   */
  public Future<Finished> finish(String relayState, byte[] samlResponse, String flowCookie) {
    if (relayState == null || relayState.isEmpty() || samlResponse == null || samlResponse.length == 0) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in answer incomplete",
          "The identity provider's answer did not reach us complete. Go back to the application and sign in again."));
    }
    if (flowCookie == null || !MessageDigest.isEqual(binding(relayState).getBytes(StandardCharsets.US_ASCII),
        flowCookie.getBytes(StandardCharsets.US_ASCII))) {
      LOG.warn("SAML Response refused: this browser did not start the sign-in it answers (no matching flow cookie; "
          + "a response posted from another browser, or cookies are blocked)");
      return Future.failedFuture(new ErrorPage(403, "Sign-in started elsewhere",
          "This sign-in answer belongs to a sign-in that was not started in this browser (or your browser did not "
              + "keep our cookie), so you are not signed in. Go back to the application and sign in again from here."));
    }
    return flows.take(relayState).compose(lookup -> switch (lookup) {
      case SamlFlows.Lookup.Found found -> validate(found.flow(), samlResponse);
      case SamlFlows.Lookup.Expired e -> Future.failedFuture(new ErrorPage(400, "Sign-in took too long",
          "This sign-in was started more than " + flows.lifetime().toMinutes() + " minutes ago and has expired. Go "
              + "back to the application and sign in again."));
      case SamlFlows.Lookup.Replayed r -> Future.failedFuture(new ErrorPage(400, "Sign-in already used",
          "This sign-in answer was already used (a reload or the back button?). Go back to the application and sign "
              + "in again."));
      case SamlFlows.Lookup.Missing m -> Future.failedFuture(new ErrorPage(400, "Sign-in not known here",
          "We have no record of this sign-in (it was not started here, or is long gone). Go back to the application "
              + "and sign in again."));
    });
  }

  /** The upstream a flow went through (flows stored before upstreams were recorded: the first that lists its IdP). */
  private SamlUpstream upstreamOf(SamlFlow flow) {
    if (flow.upstreamId() != null) {
      return upstreams.get(flow.upstreamId());
    }
    return upstreams.values().stream().filter(u -> u.entityId().filter(flow.idpEntityId()::equals).isPresent())
        .findFirst().orElse(upstreams.values().iterator().next());
  }

  /** What Single Logout needs of the verified assertion; null without a NameID (nothing to name in a logout). */
  private static SamlSubject subject(ValidatedLogin login) {
    return login.nameId() == null ? null : new SamlSubject(login.idpEntityId(), login.nameId(), login.nameIdFormat(),
        login.nameQualifier(), login.spNameQualifier(), login.sessionIndex());
  }

  private Future<Finished> validate(SamlFlow flow, byte[] samlResponse) {
    SamlUpstream upstream = upstreamOf(flow);
    if (upstream == null) {
      LOG.error("SAML login flow for {} names upstream {}, which is no longer configured", printable(
          flow.idpEntityId()), flow.upstreamId());
      return Future.failedFuture(unknownIdp());
    }
    return usable(upstream, flow.idpEntityId()).compose(idp -> {
      Expectation expected;
      try {
        List<Expectation.DecryptionKey> keys = encryption.publishedCredentials().stream()
            .map(c -> new Expectation.DecryptionKey(c.getPrivateKey(), c.getEntityCertificate())).toList();
        expected = new Expectation(sp.entityId(), sp.assertionConsumer(), flow.requestId(), flow.idpEntityId(),
            idp.certificates(), keys, clock.instant(), SKEW);
      } catch (RuntimeException e) {
        LOG.error("SAML login through {} cannot be checked: {}", printable(flow.idpEntityId()), e.getMessage());
        return Future.failedFuture(unavailable(idp.name()));
      }
      return consumer.consume(samlResponse, expected).recover(e -> {
        if (e instanceof SamlRejectedException rejected && rejected.reason() == Reason.AUTHN_CONTEXT_UNMET) {
          LOG.warn("SAML IdP {} cannot meet the requested authentication context {}: {}",
              printable(flow.idpEntityId()), flow.requestedAcr(), rejected.getMessage());
          return Future.failedFuture(new UnmetAuthentication(flow.pendingId(), idp.name()
              + " cannot authenticate as required (" + String.join(" ", flow.requestedAcr()) + ")"));
        }
        if (e instanceof SamlRejectedException rejected) {
          LOG.warn("SAML Response from {} refused: {}", printable(flow.idpEntityId()), rejected.getMessage());
          return Future.failedFuture(new ErrorPage(400, "Sign-in answer not accepted",
              "The answer from " + idp.name() + " could not be accepted, so you are not signed in. Go back to the "
                  + "application and sign in again; if this repeats, tell the service desk the time it happened."));
        }
        return Future.failedFuture(e);
      }).compose(login -> trustedAuthorities(upstream).compose(trusted -> identity(flow, upstream, idp, login,
          trusted)));
    });
  }

  /** The registry's further trusted entitlement authorities of {@code upstream}; none when it cannot say. */
  private Future<java.util.Set<String>> trustedAuthorities(SamlUpstream upstream) {
    Future<java.util.Set<String>> lookup;
    try {
      lookup = authorities.of(upstream.upstreamId());
    } catch (RuntimeException e) {
      lookup = Future.failedFuture(e);
    }
    return lookup.recover(e -> {
      LOG.warn("the registry's trusted entitlement authorities of upstream {} are not available ({}); only the "
          + "configured ones apply to this login", upstream.upstreamId(), e.toString());
      return Future.succeededFuture(java.util.Set.of());
    });
  }

  private Future<Finished> identity(SamlFlow flow, SamlUpstream upstream, Usable idp, ValidatedLogin login,
      java.util.Set<String> trusted) {
    List<IdpScope> scopes = idp.metadata().scopes().stream()
        .map(s -> s.regexp() ? IdpScope.regexp(s.value()) : IdpScope.literal(s.value())).toList();
    UpstreamAttributes in = UpstreamAttributes.saml(upstream.upstreamId(), login.idpEntityId(),
        login.nameId() == null ? null : new UpstreamAttributes.NameId(login.nameId(), login.nameIdFormat()),
        login.attributes(), scopes, login.authnContextClassRef(), sp.entityId());
    MappedIdentity mapped;
    try {
      mapped = upstream.mapper().identity(in, trusted);
    } catch (MissingAttributesException e) {
      LOG.warn("SAML login through {} (upstream {}) lacks required attributes {}", printable(login.idpEntityId()),
          upstream.upstreamId(), e.missing());
      return Future.failedFuture(new ErrorPage(403, "Information missing",
          idp.name() + " did not release what this service needs to sign you in: " + String.join(", ",
              e.missing()) + ". Ask your home organisation to release these attributes to this service."));
    } catch (NoUsableUserIdException e) {
      LOG.warn("SAML login through {} (upstream {}) has no usable user identifier (tried {})",
          printable(login.idpEntityId()), upstream.upstreamId(), e.tried());
      return Future.failedFuture(new ErrorPage(403, "No identifier released",
          idp.name() + " did not release a persistent identifier for you, so we cannot recognise you on your "
              + "next visit. Ask your home organisation to release one (subject-id, eduPersonUniqueId or a persistent "
              + "NameID) to this service."));
    }
    if (!flow.requestedAcr().isEmpty() && !flow.requestedAcr().contains(mapped.identity().acr())) {
      LOG.warn("SAML login through {} authenticated with {} instead of the requested {}",
          printable(login.idpEntityId()), mapped.identity().acr(), flow.requestedAcr());
      return Future.failedFuture(new UnmetAuthentication(flow.pendingId(), idp.name() + " authenticated with "
          + mapped.identity().acr() + ", not with the required " + String.join(" ", flow.requestedAcr())));
    }
    return Future.succeededFuture(new Finished(flow.pendingId(), mapped.identity(), subject(login)));
  }

  /** {@code s} safe for a log line: control characters replaced, at most 200 characters. */
  static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.codePointCount(0, s.length()) > 200 ? b + "..." : b.toString();
  }
}
