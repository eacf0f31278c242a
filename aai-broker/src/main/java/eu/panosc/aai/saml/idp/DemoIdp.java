package eu.panosc.aai.saml.idp;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.saml.slo.LogoutChecks;
import eu.panosc.aai.saml.slo.LogoutCodec;
import eu.panosc.aai.saml.slo.LogoutMessage;
import eu.panosc.aai.saml.slo.SloRefusedException;
import eu.panosc.aai.saml.sp.RedirectBinding;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlMessageException;
import eu.panosc.aai.saml.sp.SamlObjects;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnRequest;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.NameIDFormat;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.security.credential.UsageType;

/**
 * The demo UmbrellaID stand-in (only with {@code --demo}): a small SAML IdP on the same OpenSAML code as the
 * broker's SP. It answers only service providers it knows by their metadata, only HTTP-Redirect AuthnRequests whose
 * query signature verifies under a signing key of that metadata, addressed to its SSO URL, naming the SP's own ACS
 * and issued within five minutes. The demo users (docs/demo.md) log in with the demo login form; the answer is a
 * signed Response for the SP's HTTP-POST ACS. Its single sign-on session and pending logins are kept in memory (one
 * demo process).
 */
public final class DemoIdp {
  public static final String PATH = "/demo/umbrellaid";
  /** How old an AuthnRequest may be, and how long the login form stays usable. */
  static final Duration REQUEST_AGE = Duration.ofMinutes(5);
  static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);
  static final Duration SESSION_LIFETIME = Duration.ofHours(8);
  private static final int MAX_PENDING = 10_000;

  private final String base;
  private final SamlKeys keys;
  private final Supplier<List<String>> spMetadata;
  private final PasswordConnector users;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /** A checked AuthnRequest waiting for the person to log in. */
  record Pending(KnownSp sp, String requestId, String relayState, List<String> requestedAcr, boolean forceAuthn,
      Instant expiresAt) {}

  /** An IdP session, and the service providers it answered (whom an IdP-initiated logout tells). */
  record Session(UpstreamIdentity user, Instant authnInstant, String sessionIndex, Instant expiresAt,
      java.util.Set<String> sps) {
    Session(UpstreamIdentity user, Instant authnInstant, String sessionIndex, Instant expiresAt) {
      this(user, authnInstant, sessionIndex, expiresAt, ConcurrentHashMap.newKeySet());
    }
  }

  /** An IdP-initiated logout waiting for the SP's LogoutResponse. */
  record PendingLogout(String spEntityId, Instant expiresAt) {}

  private final Map<String, PendingLogout> logouts = new ConcurrentHashMap<>();

  /** What the SSO endpoint does next. */
  public sealed interface Step {
    /** Show the login form for this pending login. */
    record LoginForm(String loginId, String spEntityId) implements Step {}

    /** Post this form to the SP (auto-submitting). */
    record Post(String action, String samlResponse, String relayState) implements Step {}
  }

  /**
   * @param aaiBase the aai-broker's public URL; the IdP lives under {@code <aaiBase>/demo/umbrellaid}
   * @param spMetadata the metadata documents of the SPs it answers (read at every request: rotation is followed)
   */
  public DemoIdp(String aaiBase, SamlKeys keys, Supplier<List<String>> spMetadata, PasswordConnector users,
      Clock clock) {
    this.base = Objects.requireNonNull(aaiBase, "aaiBase").replaceAll("/+$", "") + PATH;
    this.keys = Objects.requireNonNull(keys, "keys");
    this.spMetadata = Objects.requireNonNull(spMetadata, "spMetadata");
    this.users = Objects.requireNonNull(users, "users");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The stand-in's {@code shibmd:Scope}: the demo users' subject-ids ({@code alice@demo.panosc.eu}) are scoped to it,
   * so a login through it is keyed on the subject-id rather than the persistent NameID.
   */
  public static final String SCOPE = "demo.panosc.eu";

  public String entityId() {
    return base;
  }

  /**
   * The persistent NameID this IdP (under {@code aaiBase}) gives {@code userId} at the SP {@code spEntityId}, in the
   * canonical-id form of a persistent NameID ({@code <IdP entity id>!<value>}): what a login through it is keyed on
   * when no scoped identifier is usable (the demo fixture pre-registers its users under it).
   */
  public static String persistentUserId(String aaiBase, String spEntityId, String userId) {
    String entityId = aaiBase.replaceAll("/+$", "") + PATH;
    return entityId + "!" + new DemoResponses(entityId, null).pseudonym(spEntityId, userId);
  }

  public String ssoUrl() {
    return base + "/sso";
  }

  public String sloUrl() {
    return base + "/slo";
  }

  /** The IdP's metadata, signed with its key. */
  public String signedMetadata() {
    EntityDescriptor entity = SamlObjects.build(EntityDescriptor.DEFAULT_ELEMENT_NAME);
    entity.setEntityID(entityId());
    entity.setID(DemoResponses.newId());
    entity.setValidUntil(clock.instant().plus(Duration.ofDays(7)));
    entity.setCacheDuration(Duration.ofHours(6));
    IDPSSODescriptor idp = SamlObjects.build(IDPSSODescriptor.DEFAULT_ELEMENT_NAME);
    idp.addSupportedProtocol(SAMLConstants.SAML20P_NS);
    idp.setWantAuthnRequestsSigned(true);
    for (X509Certificate c : keys.published()) {
      KeyDescriptor kd = SamlObjects.build(KeyDescriptor.DEFAULT_ELEMENT_NAME);
      kd.setUse(UsageType.SIGNING);
      kd.setKeyInfo(SamlObjects.keyInfo(c));
      idp.getKeyDescriptors().add(kd);
    }
    SingleLogoutService slo = SamlObjects.build(SingleLogoutService.DEFAULT_ELEMENT_NAME);
    slo.setBinding(SAMLConstants.SAML2_REDIRECT_BINDING_URI);
    slo.setLocation(sloUrl());
    idp.getSingleLogoutServices().add(slo);
    NameIDFormat format = SamlObjects.build(NameIDFormat.DEFAULT_ELEMENT_NAME);
    format.setURI(NameIDType.PERSISTENT);
    idp.getNameIDFormats().add(format);
    SingleSignOnService sso = SamlObjects.build(SingleSignOnService.DEFAULT_ELEMENT_NAME);
    sso.setBinding(SAMLConstants.SAML2_REDIRECT_BINDING_URI);
    sso.setLocation(ssoUrl());
    idp.getSingleSignOnServices().add(sso);
    entity.getRoleDescriptors().add(idp);
    return SerializeSupport.nodeToString(SamlObjects.sign(entity, keys.current()));
  }

  /**
   * A received HTTP-Redirect AuthnRequest (the raw query string): checked, then either answered at once from the
   * single sign-on session {@code sessionId} (unless {@code ForceAuthn}) or held for the login form.
   *
   * @throws IdpRefusal naming what is wrong with the request
   */
  public Step sso(String rawQuery, String sessionId) {
    RedirectBinding.Received received = received(rawQuery, "SAMLRequest");
    if (!(parse(received.message()) instanceof AuthnRequest request)) {
      throw new IdpRefusal("Not a login request", "The application sent something other than a SAML login request.");
    }
    KnownSp sp = knownAndSigned(request.getIssuer() == null ? null : request.getIssuer().getValue(), received);
    Instant now = clock.instant();
    if (request.getID() == null || request.getID().isBlank()) {
      throw refused("it has no ID");
    }
    if (!ssoUrl().equals(request.getDestination())) {
      throw refused("it is addressed to another identity provider (Destination)");
    }
    if (request.getAssertionConsumerServiceURL() != null
        && !sp.assertionConsumer().equals(request.getAssertionConsumerServiceURL())) {
      throw refused("it asks for the answer at an address its metadata does not list");
    }
    if (request.getProtocolBinding() != null
        && !SAMLConstants.SAML2_POST_BINDING_URI.equals(request.getProtocolBinding())) {
      throw refused("it asks for an answer binding other than HTTP-POST");
    }
    if (request.getIssueInstant() == null || request.getIssueInstant().isBefore(now.minus(REQUEST_AGE))
        || request.getIssueInstant().isAfter(now.plus(Duration.ofMinutes(1)))) {
      throw new IdpRefusal("Login request expired", "The application's login request is too old (or from the "
          + "future). Go back to the application and sign in again.");
    }
    List<String> acr = request.getRequestedAuthnContext() == null ? List.of()
        : request.getRequestedAuthnContext().getAuthnContextClassRefs().stream()
            .map(AuthnContextClassRef::getURI).toList();
    boolean force = Boolean.TRUE.equals(request.isForceAuthn());
    Pending p = new Pending(sp, request.getID(), received.relayState(), acr, force, now.plus(LOGIN_LIFETIME));
    Session session = session(sessionId);
    if (session != null && !force) {
      return answer(p, session);
    }
    if (pending.size() >= MAX_PENDING) {
      pending.values().removeIf(x -> x.expiresAt().isBefore(now));
      if (pending.size() >= MAX_PENDING) {
        throw new IdpRefusal("Too many logins", "The demo identity provider is busy. Try again in a few minutes.");
      }
    }
    String loginId = Opaque.random();
    pending.put(loginId, p);
    return new Step.LoginForm(loginId, sp.entityId());
  }

  /** The outcome of the login form. */
  public sealed interface LoginOutcome {
    record Wrong(String loginId) implements LoginOutcome {}

    record Done(Step.Post post, String sessionId) implements LoginOutcome {}
  }

  /**
   * The login form of pending login {@code loginId}: wrong username or password shows the form again; a right one
   * starts the IdP session and answers the SP.
   *
   * @throws IdpRefusal when the login is unknown or expired
   */
  public Future<LoginOutcome> login(String loginId, String username, String password) {
    Pending p = loginId == null ? null : pending.get(loginId);
    if (p == null || p.expiresAt().isBefore(clock.instant())) {
      if (p != null) {
        pending.remove(loginId);
      }
      return Future.failedFuture(new IdpRefusal("Login expired", "This login form is unknown or has expired. "
          + "Go back to the application and sign in again."));
    }
    return users.login(username, password).map(found -> {
      if (found.isEmpty()) {
        return new LoginOutcome.Wrong(loginId);
      }
      if (pending.remove(loginId) == null) {
        throw new IdpRefusal("Login expired", "This login form was already used. Go back to the application and "
            + "sign in again.");
      }
      Instant now = clock.instant();
      String sessionId = Opaque.random();
      Session session = new Session(found.get(), now, DemoResponses.newId(), now.plus(SESSION_LIFETIME));
      sessions.put(Opaque.hash(sessionId), session);
      return new LoginOutcome.Done(answer(p, session), sessionId);
    });
  }

  /** The SP's name for the login page of {@code loginId}, if it is pending. */
  public Optional<String> pendingSp(String loginId) {
    Pending p = loginId == null ? null : pending.get(loginId);
    return p == null ? Optional.empty() : Optional.of(p.sp().entityId());
  }

  /** What the Single Logout endpoint does next. */
  public sealed interface LogoutOutcome {
    /** Show a page: {@code ended} says whether an IdP session was ended. */
    record Page(String title, String message) implements LogoutOutcome {}

    /** Send the browser to {@code location} (a signed LogoutRequest or LogoutResponse for an SP). */
    record Redirect(String location) implements LogoutOutcome {}
  }

  /**
   * The Single Logout endpoint (HTTP-Redirect, the raw query): an SP's signed LogoutRequest ends the IdP session it
   * names (or the browser's, {@code sessionId}) and is answered with a signed LogoutResponse to the SP's Single
   * Logout endpoint; an SP's signed LogoutResponse completes an IdP-initiated logout; without either, the browser's
   * IdP session simply ends.
   *
   * @throws IdpRefusal when a message is present but not acceptable (unsigned, unknown SP, bad signature, stale,
   *     not addressed here, not answering our request)
   */
  public LogoutOutcome logout(String rawQuery, String sessionId) {
    boolean request = rawQuery != null && (rawQuery.startsWith("SAMLRequest=") || rawQuery.contains("&SAMLRequest="));
    boolean response = rawQuery != null && (rawQuery.startsWith("SAMLResponse=")
        || rawQuery.contains("&SAMLResponse="));
    if (!request && !response) {
      boolean ended = sessionId != null && sessions.remove(Opaque.hash(sessionId)) != null;
      return new LogoutOutcome.Page("Signed out", ended ? "You are signed out of the demo identity provider."
          : "You were not signed in at the demo identity provider.");
    }
    LogoutMessage m;
    try {
      m = LogoutCodec.redirect(rawQuery, this::spKeys);
      LogoutChecks.destination(m, sloUrl());
      LogoutChecks.fresh(m, clock.instant(), Duration.ofMinutes(2));
    } catch (SloRefusedException e) {
      throw logoutRefused(e);
    }
    return m.kind() == LogoutMessage.Kind.REQUEST ? spLogout(m, sessionId) : spAnswered(m);
  }

  private LogoutOutcome spLogout(LogoutMessage m, String sessionId) {
    KnownSp sp = known(m.issuer());
    DemoResponses responses = new DemoResponses(entityId(), keys.current());
    // the session the request names (NameID and SessionIndex), else the browser's own
    Session named = sessions.entrySet().stream()
        .filter(e -> m.sessionIndexes().contains(e.getValue().sessionIndex())
            && responses.pseudonym(sp.entityId(), e.getValue().user().userId()).equals(m.nameId()))
        .map(Map.Entry::getKey).findFirst().map(sessions::remove).orElse(null);
    if (named == null && sessionId != null) {
      sessions.remove(Opaque.hash(sessionId));
    }
    String slo = sp.singleLogout().orElseThrow(() -> new IdpRefusal("Signed out", "You are signed out of the demo "
        + "identity provider. The application lists no sign-out address, so you stay here."));
    return new LogoutOutcome.Redirect(LogoutCodec.redirectResponse(slo, entityId(), m.id(),
        "urn:oasis:names:tc:SAML:2.0:status:Success", null, m.relayState(), keys.current(), clock.instant()));
  }

  private LogoutOutcome spAnswered(LogoutMessage m) {
    PendingLogout p = m.inResponseTo() == null ? null : logouts.remove(m.inResponseTo());
    if (p == null || !p.spEntityId().equals(m.issuer()) || p.expiresAt().isBefore(clock.instant())) {
      throw new IdpRefusal("Sign-out answer not accepted", "This answer does not belong to a sign-out started here "
          + "(already used, too late, or from another application).");
    }
    if (!LogoutChecks.succeeded(m)) {
      return new LogoutOutcome.Page("Not signed out everywhere", "You are signed out of the demo identity provider, "
          + "but the application reported a problem signing you out there.");
    }
    return new LogoutOutcome.Page("Signed out everywhere", LogoutCodec.PARTIAL_LOGOUT.equals(m.subStatus())
        ? "You are signed out of the demo identity provider and of the PaNOSC federation, but not every facility "
            + "could be told yet (partial logout)."
        : "You are signed out of the demo identity provider and of the PaNOSC federation (every facility was told).");
  }

  /**
   * IdP-initiated logout from the demo IdP's page: ends the IdP session {@code sessionId} and sends the browser to
   * the first service provider it answered with a signed LogoutRequest naming the session (persistent NameID,
   * SessionIndex); a session that answered no SP just ends.
   */
  public LogoutOutcome startLogout(String sessionId) {
    Session session = session(sessionId);
    if (session == null) {
      return new LogoutOutcome.Page("Signed out", "You were not signed in at the demo identity provider.");
    }
    sessions.remove(Opaque.hash(sessionId));
    for (String spId : session.sps()) {
      KnownSp sp;
      try {
        sp = known(spId);
      } catch (IdpRefusal e) {
        continue;
      }
      if (sp.singleLogout().isEmpty()) {
        continue;
      }
      Instant now = clock.instant();
      logouts.values().removeIf(l -> l.expiresAt().isBefore(now));
      String requestId = DemoResponses.newId();
      logouts.put(requestId, new PendingLogout(sp.entityId(), now.plus(LOGIN_LIFETIME)));
      DemoResponses responses = new DemoResponses(entityId(), keys.current());
      SamlSubject subject = new SamlSubject(entityId(), responses.pseudonym(sp.entityId(), session.user().userId()),
          NameIDType.PERSISTENT, entityId(), sp.entityId(), session.sessionIndex());
      return new LogoutOutcome.Redirect(LogoutCodec.redirectRequest(sp.singleLogout().get(), entityId(), subject,
          requestId, Opaque.random(), keys.current(), now, Duration.ofMinutes(5)));
    }
    return new LogoutOutcome.Page("Signed out", "You are signed out of the demo identity provider.");
  }

  /** Whether {@code sessionId} is a live IdP session, and who is signed in (for the IdP's page). */
  public Optional<String> signedIn(String sessionId) {
    Session s = session(sessionId);
    return s == null ? Optional.empty() : Optional.of(s.user().userId());
  }

  private Optional<List<X509Certificate>> spKeys(String issuer) {
    try {
      return Optional.of(known(issuer).signing());
    } catch (IdpRefusal e) {
      return Optional.empty();
    }
  }

  private static IdpRefusal logoutRefused(SloRefusedException e) {
    return new IdpRefusal("Sign-out request refused", "The application's sign-out message was refused ("
        + switch (e.reason()) {
          case UNSIGNED -> "it is not signed";
          case UNKNOWN_ISSUER -> "the application is not known here";
          case SIGNATURE_INVALID -> "its signature does not verify with the application's keys";
          case DESTINATION -> "it is addressed to another identity provider";
          case EXPIRED, NOT_YET_VALID -> "it is too old or from the future";
          default -> "it could not be read";
        } + "). Nothing was done.");
  }

  private Step.Post answer(Pending p, Session session) {
    session.sps().add(p.sp().entityId());
    DemoResponses responses = new DemoResponses(entityId(), keys.current());
    Instant now = clock.instant();
    String response = !p.requestedAcr().isEmpty() && !p.requestedAcr().contains(session.user().acr())
        ? responses.noAuthnContext(p.sp(), p.requestId(), now)
        : responses.success(p.sp(), p.requestId(), session.user(), session.authnInstant(), session.sessionIndex(),
            now);
    return new Step.Post(p.sp().assertionConsumer(), response, p.relayState());
  }

  private Session session(String sessionId) {
    if (!Opaque.isRandom(sessionId)) {
      return null;
    }
    Session s = sessions.get(Opaque.hash(sessionId));
    if (s == null || s.expiresAt().isBefore(clock.instant())) {
      return null;
    }
    return s;
  }

  private static RedirectBinding.Received received(String rawQuery, String parameter) {
    try {
      return RedirectBinding.parse(rawQuery, parameter);
    } catch (SamlMessageException e) {
      throw new IdpRefusal("Request not understood", "The application's request could not be read: "
          + e.getMessage() + ". Go back to the application and try again.");
    }
  }

  private static XMLObject parse(byte[] message) {
    try {
      return SamlObjects.parse(message);
    } catch (SamlMessageException e) {
      throw new IdpRefusal("Request not understood", "The application's request could not be read: "
          + e.getMessage() + ".");
    }
  }

  private KnownSp knownAndSigned(String issuer, RedirectBinding.Received received) {
    KnownSp sp = known(issuer);
    if (received.signature() == null) {
      throw refused("it is not signed");
    }
    List<PublicKey> spKeys = sp.signing().stream().map(X509Certificate::getPublicKey).toList();
    if (!received.verifiedBy(spKeys)) {
      throw refused("its signature does not verify with the application's keys (or is not RSA-SHA256)");
    }
    return sp;
  }

  private KnownSp known(String issuer) {
    if (issuer != null) {
      for (String xml : spMetadata.get()) {
        KnownSp sp = KnownSp.fromMetadata(xml);
        if (sp.entityId().equals(issuer)) {
          return sp;
        }
      }
    }
    throw new IdpRefusal("Unknown application", "The application that sent you here is not known to this identity "
        + "provider, so you cannot sign in to it from here.");
  }

  private static IdpRefusal refused(String why) {
    return new IdpRefusal("Login request refused", "The application's login request was refused because " + why
        + ". Nothing was sent to the application. Go back to it and try again, or tell its operators.");
  }
}
