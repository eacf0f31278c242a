package eu.panosc.aai.saml.sp;

import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.attributes.MappedIdentity;
import eu.panosc.aai.attributes.MissingAttributesException;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.saml.validate.Expectation;
import eu.panosc.aai.saml.validate.SamlRejectedException;
import eu.panosc.aai.saml.validate.SamlResponseConsumer;
import eu.panosc.aai.saml.validate.ValidatedLogin;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A login through one SAML IdP, both halves: {@link #start} remembers the flow server-side under an opaque RelayState
 * handle and answers the signed HTTP-Redirect to the IdP; {@link #finish} takes the flow back (once), validates the
 * POSTed Response against it (signature with the IdP's metadata keys only, InResponseTo = our request, audience,
 * times, one-time use), and maps the verified assertion's attributes to an {@link UpstreamIdentity}. Failures are
 * {@link ErrorPage}s saying what the person can do (as the authorization service's), with the operator's reason logged.
 */
public final class SamlLogin {
  private static final Logger LOG = LoggerFactory.getLogger(SamlLogin.class);
  /** Clock skew allowed between the IdP and us. */
  static final Duration SKEW = Duration.ofMinutes(2);

  /** The IdP: entity id, what the login page calls it, its HTTP-Redirect SSO URL, its signing certificates and scopes. */
  public record Idp(String upstreamId, String entityId, String displayName, String ssoUrl,
      Supplier<List<X509Certificate>> signingCertificates, Supplier<List<IdpScope>> scopes) {
    public Idp {
      Objects.requireNonNull(upstreamId, "upstreamId");
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(ssoUrl, "ssoUrl");
      Objects.requireNonNull(signingCertificates, "signingCertificates");
      Objects.requireNonNull(scopes, "scopes");
    }
  }

  /**
   * A finished login: the pending OIDC authorization it continues, who logged in, and the SAML subject (NameID,
   * SessionIndex) for Single Logout (null when the assertion had no NameID).
   */
  public record Finished(String pendingId, UpstreamIdentity identity, SamlSubject subject) {
    public Finished(String pendingId, UpstreamIdentity identity) {
      this(pendingId, identity, null);
    }
  }

  private final SpEndpoints sp;
  private final AuthnRequests requests;
  private final SamlFlows flows;
  private final SamlResponseConsumer consumer;
  private final SamlKeys encryption;
  private final Idp idp;
  private final AttributeMapper mapper;
  private final Clock clock;

  public SamlLogin(SpEndpoints sp, AuthnRequests requests, SamlFlows flows, SamlResponseConsumer consumer,
      SamlKeys encryption, Idp idp, AttributeMapper mapper, Clock clock) {
    this.sp = Objects.requireNonNull(sp, "sp");
    this.requests = Objects.requireNonNull(requests, "requests");
    this.flows = Objects.requireNonNull(flows, "flows");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.encryption = Objects.requireNonNull(encryption, "encryption");
    this.idp = Objects.requireNonNull(idp, "idp");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The IdP this login goes to. */
  public Idp idp() {
    return idp;
  }

  /**
   * Starts a login for the pending authorization {@code pendingId}: the URL to send the browser to (the IdP's SSO
   * endpoint with a signed AuthnRequest and the flow's handle as RelayState).
   */
  public Future<String> start(String pendingId, List<String> requestedAcr, boolean forceAuthn) {
    String requestId = AuthnRequests.newRequestId();
    SamlFlow flow;
    try {
      flow = new SamlFlow(requestId, idp.entityId(), pendingId, requestedAcr);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in request not understood",
          "This sign-in request could not be read. Go back to the application and start again."));
    }
    return flows.start(flow).map(handle -> requests.redirect(idp.ssoUrl(), flow.requestedAcr(), forceAuthn, handle,
        requestId).url());
  }

  /** The IdP posted {@code samlResponse} (base64) with {@code relayState}: the identity, or a failed future. */
  public Future<Finished> finish(String relayState, byte[] samlResponse) {
    if (relayState == null || relayState.isEmpty() || samlResponse == null || samlResponse.length == 0) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in answer incomplete",
          "The identity provider's answer did not reach us complete. Go back to the application and sign in again."));
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

  private Future<Finished> validate(SamlFlow flow, byte[] samlResponse) {
    Expectation expected;
    try {
      List<Expectation.DecryptionKey> keys = encryption.publishedCredentials().stream()
          .map(c -> new Expectation.DecryptionKey(c.getPrivateKey(), c.getEntityCertificate())).toList();
      expected = new Expectation(sp.entityId(), sp.assertionConsumer(), flow.requestId(), flow.idpEntityId(),
          idp.signingCertificates().get(), keys, clock.instant(), SKEW);
    } catch (RuntimeException e) {
      LOG.error("SAML login through {} cannot be checked: {}", flow.idpEntityId(), e.getMessage());
      return Future.failedFuture(new ErrorPage(503, "Sign-in unavailable",
          "The identity provider's keys are not available to us right now, so we cannot check its answer. Please try "
              + "again later."));
    }
    return consumer.consume(samlResponse, expected).recover(e -> {
      if (e instanceof SamlRejectedException rejected) {
        LOG.warn("SAML Response from {} refused: {}", flow.idpEntityId(), rejected.getMessage());
        return Future.failedFuture(new ErrorPage(400, "Sign-in answer not accepted",
            "The answer from " + idp.displayName() + " could not be accepted, so you are not signed in. Go back to "
                + "the application and sign in again; if this repeats, tell the service desk the time it happened."));
      }
      return Future.failedFuture(e);
    }).compose(login -> identity(flow, login));
  }

  /** What Single Logout needs of the verified assertion; null without a NameID (nothing to name in a logout). */
  private static SamlSubject subject(ValidatedLogin login) {
    return login.nameId() == null ? null : new SamlSubject(login.idpEntityId(), login.nameId(), login.nameIdFormat(),
        login.nameQualifier(), login.spNameQualifier(), login.sessionIndex());
  }

  private Future<Finished> identity(SamlFlow flow, ValidatedLogin login) {
    UpstreamAttributes in = UpstreamAttributes.saml(idp.upstreamId(), login.idpEntityId(),
        login.nameId() == null ? null : new UpstreamAttributes.NameId(login.nameId(), login.nameIdFormat()),
        login.attributes(), idp.scopes().get(), login.authnContextClassRef(), sp.entityId());
    MappedIdentity mapped;
    try {
      mapped = mapper.identity(in);
    } catch (MissingAttributesException e) {
      LOG.warn("SAML login through {} lacks required attributes {}", login.idpEntityId(), e.missing());
      return Future.failedFuture(new ErrorPage(403, "Information missing",
          idp.displayName() + " did not release what this service needs to sign you in: " + String.join(", ",
              e.missing()) + ". Ask your home organisation to release these attributes to this service."));
    } catch (NoUsableUserIdException e) {
      LOG.warn("SAML login through {} has no usable user identifier (tried {})", login.idpEntityId(), e.tried());
      return Future.failedFuture(new ErrorPage(403, "No identifier released",
          idp.displayName() + " did not release a persistent identifier for you, so we cannot recognise you on your "
              + "next visit. Ask your home organisation to release one (subject-id, eduPersonUniqueId or a persistent "
              + "NameID) to this service."));
    }
    if (!flow.requestedAcr().isEmpty() && !flow.requestedAcr().contains(mapped.identity().acr())) {
      LOG.warn("SAML login through {} authenticated with {} instead of the requested {}", login.idpEntityId(),
          mapped.identity().acr(), flow.requestedAcr());
      return Future.failedFuture(new ErrorPage(403, "Stronger sign-in needed",
          "The application asked for a stronger sign-in (" + String.join(", ", flow.requestedAcr()) + ") than "
              + idp.displayName() + " performed. Sign in again with multi-factor authentication."));
    }
    return Future.succeededFuture(new Finished(flow.pendingId(), mapped.identity(), subject(login)));
  }
}
