package eu.panosc.aai.saml.slo;

import eu.panosc.aai.logout.BackChannelLogout;
import eu.panosc.aai.logout.SessionLogout;
import eu.panosc.aai.logout.UpstreamLogout;
import eu.panosc.aai.saml.sp.AuthnRequests;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.validate.ReplayCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SAML Single Logout of the broker's SP, both directions, free of HTTP types.
 *
 * <ul>
 *   <li>A SAML login's subject is remembered per broker session ({@link #started}).
 *   <li>SP-initiated ({@link #after}): once the broker session has ended (RP-initiated logout or the logout page), a
 *       signed LogoutRequest for the session's NameID and SessionIndex goes to the IdP's Single Logout endpoint over
 *       HTTP-Redirect, its RelayState an opaque handle to the server-side flow; the IdP's LogoutResponse
 *       ({@link #handle}) must verify under the IdP's metadata keys, answer our request (InResponseTo, Issuer), be
 *       addressed to us and fresh; then the browser goes on to the client's checked {@code post_logout_redirect_uri}.
 *   <li>IdP-initiated ({@link #handle}): a LogoutRequest that verifies under the IdP's metadata keys, addressed to us,
 *       fresh (IssueInstant, NotOnOrAfter) and used once ends every broker session it names (NameID and qualifiers,
 *       SessionIndex) as a logout does (grants revoked, back-channel deliveries to every facility client), and is
 *       answered with a signed LogoutResponse: Success, with PartialLogout beneath when a facility was not reached
 *       in time; a request naming no session we have is answered Requester/UnknownPrincipal.
 * </ul>
 * Refusals throw {@link SloRefusedException}; nothing is ended by a message that was refused.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.4</a>
 */
public final class SingleLogout implements UpstreamLogout {
  private static final Logger LOG = LoggerFactory.getLogger(SingleLogout.class);
  static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  static final String REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester";
  static final String UNKNOWN_PRINCIPAL = "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal";
  /** Clock skew allowed between the IdP and us. */
  public static final Duration SKEW = Duration.ofMinutes(2);
  /** How long our LogoutRequest is valid (its NotOnOrAfter). */
  static final Duration REQUEST_VALIDITY = Duration.ofMinutes(5);

  /**
   * An IdP we log out at: entity id, its name for pages, its SLO endpoint and that endpoint's binding (HTTP-Redirect,
   * else HTTP-POST; both null when it has none: its sessions end here only), its signing keys.
   */
  public record Idp(String entityId, String displayName, String sloUrl, LogoutCodec.Binding binding,
      Supplier<List<X509Certificate>> signingCertificates) {
    public Idp {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(displayName, "displayName");
      if ((sloUrl == null) != (binding == null)) {
        throw new IllegalArgumentException("a Single Logout location needs its binding");
      }
      Objects.requireNonNull(signingCertificates, "signingCertificates");
    }

    /** An IdP with an HTTP-Redirect SLO endpoint. */
    public Idp(String entityId, String displayName, String sloUrl, Supplier<List<X509Certificate>> signingCertificates) {
      this(entityId, displayName, Objects.requireNonNull(sloUrl, "sloUrl"), LogoutCodec.Binding.REDIRECT,
          signingCertificates);
    }
  }

  /** What a handled message leads to. */
  public sealed interface Outcome {
    /**
     * Our logout came back from the IdP: on to {@code redirect} (with {@code state}) or the signed-out page;
     * {@code confirmed} is false when the IdP answered with an error status (its session may live on).
     */
    record SignedOut(String redirect, String state, boolean confirmed, String idpName) implements Outcome {}

    /** Answer the IdP's request: send the browser to {@code location} (a signed LogoutResponse). */
    record Answer(String location, List<String> endedSids, boolean partial) implements Outcome {}

    /**
     * Answer the IdP's request over HTTP-POST (it has no HTTP-Redirect SLO endpoint): an auto-submitting form posting
     * {@code fields} ({@code SAMLResponse} with an enveloped signature, {@code RelayState}) to {@code action}.
     */
    record PostAnswer(String action, java.util.Map<String, String> fields, List<String> endedSids, boolean partial)
        implements Outcome {}
  }

  private final Vertx vertx;
  private final SpEndpoints sp;
  private final SamlKeys signing;
  private final Function<String, Optional<Idp>> idps;
  private final SamlSessions store;
  private final SessionLogout sessions;
  private final BackChannelLogout backChannel;
  private final ReplayCache replays;
  private final Duration sessionLifetime;
  private final Duration deliveryWait;
  private final Clock clock;
  private final Function<String, Future<Optional<Idp>>> fetch;
  private final LogoutReceiver receiver;

  public SingleLogout(Vertx vertx, SpEndpoints sp, SamlKeys signing, Function<String, Optional<Idp>> idps,
      SamlSessions store, SessionLogout sessions, BackChannelLogout backChannel, ReplayCache replays,
      Duration sessionLifetime, Duration deliveryWait, Clock clock) {
    this(vertx, sp, signing, idps, id -> Future.succeededFuture(Optional.empty()), store, sessions, backChannel,
        replays, sessionLifetime, deliveryWait, clock);
  }

  /**
   * @param idps the IdPs by entity id (their metadata as the sources hold it now)
   * @param fetch looks an IdP up again when {@code idps} no longer knows it (e.g. evicted from an MDQ cache)
   * @param sessionLifetime how long a broker session lives (the subject is remembered as long)
   * @param deliveryWait how long an IdP-initiated logout waits for the back-channel deliveries before answering
   */
  public SingleLogout(Vertx vertx, SpEndpoints sp, SamlKeys signing, Function<String, Optional<Idp>> idps,
      Function<String, Future<Optional<Idp>>> fetch, SamlSessions store, SessionLogout sessions,
      BackChannelLogout backChannel, ReplayCache replays, Duration sessionLifetime, Duration deliveryWait,
      Clock clock) {
    this.fetch = Objects.requireNonNull(fetch, "fetch");
    this.receiver = new LogoutReceiver(vertx, idps, fetch);
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.sp = Objects.requireNonNull(sp, "sp");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.idps = Objects.requireNonNull(idps, "idps");
    this.store = Objects.requireNonNull(store, "store");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.backChannel = Objects.requireNonNull(backChannel, "backChannel");
    this.replays = Objects.requireNonNull(replays, "replays");
    this.sessionLifetime = Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    this.deliveryWait = Objects.requireNonNull(deliveryWait, "deliveryWait");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The broker session {@code sid} was started by a SAML login of {@code subject}: remembered until it expires. */
  public Future<Void> started(String sid, SamlSubject subject) {
    return store.remember(sid, subject, clock.instant().plus(sessionLifetime));
  }

  /** The HTTP-Redirect URL of {@link #next}, when that is how the IdP is reached; empty otherwise. */
  @Override
  public Future<Optional<String>> after(String sid, String redirect, String state) {
    return next(sid, redirect, state).map(step -> step.filter(UpstreamLogout.Step.Redirect.class::isInstance)
        .map(r -> ((UpstreamLogout.Step.Redirect) r).location()));
  }

  /**
   * SP-initiated: once the broker session {@code sid} has ended, a signed LogoutRequest to its IdP over HTTP-Redirect,
   * else HTTP-POST (an auto-submitting form); an IdP with no SingleLogoutService is a local-only logout the page
   * names. Empty when the session did not come from a SAML login, or its IdP is no longer known.
   */
  @Override
  public Future<Optional<UpstreamLogout.Step>> next(String sid, String redirect, String state) {
    return store.find(sid).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      SamlSubject subject = found.get();
      return resolve(subject.idpEntityId()).compose(idp -> {
        if (idp.isEmpty()) {
          LOG.warn("session {} ended here; its IdP {} is no longer known, so it is not logged out there", sid,
              subject.idpEntityId());
          return store.forget(sid).map(Optional.<UpstreamLogout.Step>empty());
        }
        if (idp.get().sloUrl() == null) {
          LOG.info("session {} ended here; its IdP {} has no SingleLogoutService in its metadata, so it is logged out "
              + "here only", sid, subject.idpEntityId());
          return store.forget(sid).map(Optional.<UpstreamLogout.Step>of(
              new UpstreamLogout.Step.LocalOnly(idp.get().displayName())));
        }
        return start(sid, subject, idp.get(), redirect, state).map(Optional::of);
      });
    });
  }

  private Future<UpstreamLogout.Step> start(String sid, SamlSubject subject, Idp idp, String redirect, String state) {
    String requestId = AuthnRequests.newRequestId();
    return store.startLogout(new SamlSessions.LogoutFlow(requestId, subject.idpEntityId(), redirect, state))
        .compose(handle -> vertx.executeBlocking(() -> idp.binding() == LogoutCodec.Binding.REDIRECT
            ? (UpstreamLogout.Step) new UpstreamLogout.Step.Redirect(LogoutCodec.redirectRequest(idp.sloUrl(),
                sp.entityId(), subject, requestId, handle, signing.current(), clock.instant(), REQUEST_VALIDITY))
            : new UpstreamLogout.Step.Post(idp.sloUrl(), postFields(LogoutCodec.postRequest(idp.sloUrl(),
                sp.entityId(), subject, requestId, signing.current(), clock.instant(), REQUEST_VALIDITY), handle)),
            false))
        .compose(step -> store.forget(sid).map(v -> {
          LOG.info("session {} ended; LogoutRequest {} sent to {} over HTTP-{}", sid, requestId,
              subject.idpEntityId(), idp.binding() == LogoutCodec.Binding.REDIRECT ? "Redirect" : "POST");
          return step;
        }));
  }

  /** The HTTP-POST binding's fields, in the order SAML Bindings §3.5.4 lists them. */
  private static java.util.Map<String, String> postFields(String samlRequest, String relayState) {
    java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put("SAMLRequest", samlRequest);
    fields.put("RelayState", relayState);
    return fields;
  }

  /** The IdP as its metadata says now; when no source holds it any more, {@link #fetch} may look it up again. */
  private Future<Optional<Idp>> resolve(String entityId) {
    Optional<Idp> known = idps.apply(entityId);
    return known.isPresent() ? Future.succeededFuture(known) : fetch.apply(entityId);
  }

  /**
   * A message received over HTTP-Redirect (the raw query), verified off the event loop; an issuer no metadata source
   * holds now is looked up again first ({@link LogoutReceiver}).
   */
  public Future<LogoutMessage> receiveRedirect(String rawQuery) {
    return receiver.redirect(rawQuery);
  }

  /** A message received over HTTP-POST ({@code SAMLRequest} or {@code SAMLResponse}), as {@link #receiveRedirect}. */
  public Future<LogoutMessage> receivePost(String parameter, String value, String relayState) {
    return receiver.post(parameter, value, relayState);
  }

  /** A verified message: the IdP's answer to our logout, or its own LogoutRequest. */
  public Future<Outcome> handle(LogoutMessage m) {
    try {
      return m.kind() == LogoutMessage.Kind.RESPONSE ? response(m) : request(m);
    } catch (SloRefusedException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Outcome> response(LogoutMessage m) {
    LogoutChecks.destination(m, sp.singleLogout());
    LogoutChecks.fresh(m, clock.instant(), SKEW);
    return store.takeLogout(m.relayState()).compose(lookup -> switch (lookup) {
      case SamlSessions.Lookup.Found found -> {
        LogoutChecks.answers(m, found.flow());
        boolean ok = LogoutChecks.succeeded(m);
        if (!ok) {
          LOG.warn("LogoutResponse {} of {} reports {} / {}: the IdP session may live on", m.id(), m.issuer(),
              m.status(), m.subStatus());
        }
        String name = idps.apply(m.issuer()).map(Idp::displayName).orElse(m.issuer());
        yield Future.succeededFuture(new Outcome.SignedOut(found.flow().redirect(), found.flow().state(), ok, name));
      }
      case SamlSessions.Lookup.Replayed r -> Future.failedFuture(new SloRefusedException(SloReason.UNKNOWN_STATE,
          "LogoutResponse " + m.id() + " of " + m.issuer() + " carries a RelayState already used (a replay)"));
      case SamlSessions.Lookup.Expired e -> Future.failedFuture(new SloRefusedException(SloReason.UNKNOWN_STATE,
          "LogoutResponse " + m.id() + " of " + m.issuer() + " came after its logout expired"));
      case SamlSessions.Lookup.Missing x -> Future.failedFuture(new SloRefusedException(SloReason.UNKNOWN_STATE,
          "LogoutResponse " + m.id() + " of " + m.issuer() + " carries a RelayState we did not issue"));
    });
  }

  private Future<Outcome> request(LogoutMessage m) {
    LogoutChecks.destination(m, sp.singleLogout());
    LogoutChecks.fresh(m, clock.instant(), SKEW);
    return resolve(m.issuer()).compose(found -> found.filter(i -> i.sloUrl() != null).isEmpty()
        ? Future.failedFuture(new SloRefusedException(SloReason.UNKNOWN_ISSUER, "LogoutRequest " + m.id() + " of "
            + m.issuer() + ": the IdP has no SingleLogoutService to answer at"))
        : request(m, found.get()));
  }

  private Future<Outcome> request(LogoutMessage m, Idp idp) {
    java.time.Instant until = m.issueInstant().plus(LogoutChecks.MAX_AGE).plus(SKEW).plus(SKEW);
    return replays.firstUse(m.issuer(), "logout:" + m.id(), until)
        .recover(e -> Future.failedFuture(new SloRefusedException(SloReason.REPLAY_CACHE_UNAVAILABLE,
            "LogoutRequest " + m.id() + " of " + m.issuer() + " could not be checked for reuse (" + e + ")")))
        .compose(first -> {
          if (!first) {
            return Future.failedFuture(new SloRefusedException(SloReason.REPLAYED, "LogoutRequest " + m.id() + " of "
                + m.issuer() + " was received before (a replay)"));
          }
          return store.bySubject(m.issuer(), m.nameId());
        })
        .compose(candidates -> {
          List<SamlSessions.Link> named = LogoutChecks.named(m, candidates, sp.entityId());
          if (named.isEmpty()) {
            LOG.warn("LogoutRequest {} of {} names no session here ({} sessions of its NameID, none matching): "
                + "answered UnknownPrincipal", m.id(), m.issuer(), candidates.size());
            return answer(idp, m, REQUESTER, UNKNOWN_PRINCIPAL, List.of(), false);
          }
          List<String> sids = named.stream().map(SamlSessions.Link::sid).toList();
          BackChannelLogout.DeliveryWatch watch = backChannel.watch(sids);
          return sessions.endSessions(sids)
              .compose(ended -> Future.join(sids.stream().map(store::forget).toList())
                  .compose(v -> watch.allDelivered(ended.deliveries(), deliveryWait))
                  .compose(reached -> {
                    List<String> endedSids = ended.ended().stream().map(e -> e.sid()).toList();
                    LOG.info("LogoutRequest {} of {} ended sessions {}; {} back-channel deliveries, {}", m.id(),
                        m.issuer(), endedSids, ended.deliveries(), reached ? "all reached" : "not all reached");
                    return answer(idp, m, SUCCESS, reached ? null : LogoutCodec.PARTIAL_LOGOUT, endedSids,
                        !reached);
                  }), e -> {
                watch.allDelivered(0, Duration.ZERO);
                return Future.failedFuture(e);
              });
        });
  }

  private Future<Outcome> answer(Idp idp, LogoutMessage m, String status, String subStatus, List<String> ended,
      boolean partial) {
    if (idp.binding() == LogoutCodec.Binding.POST) {
      return vertx.executeBlocking(() -> {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("SAMLResponse", LogoutCodec.postResponse(idp.sloUrl(), sp.entityId(), m.id(), status, subStatus,
            signing.current(), clock.instant()));
        if (m.relayState() != null) {
          fields.put("RelayState", m.relayState());
        }
        return (Outcome) new Outcome.PostAnswer(idp.sloUrl(), fields, ended, partial);
      }, false);
    }
    return vertx.executeBlocking(() -> (Outcome) new Outcome.Answer(LogoutCodec.redirectResponse(idp.sloUrl(),
        sp.entityId(), m.id(), status, subStatus, m.relayState(), signing.current(), clock.instant()), ended,
        partial), false);
  }
}
