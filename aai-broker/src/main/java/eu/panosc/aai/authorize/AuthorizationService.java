package eu.panosc.aai.authorize;

import eu.panosc.aai.register.PendingRegistration;
import eu.panosc.aai.register.PendingRegistrations;
import eu.panosc.aai.register.TermsOfUse;
import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.platform.input.Input;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.PendingAuthorizations;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.aai.user.Users;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The authorization endpoint's logic, free of HTTP: decides whether the person must log in (no session,
 * {@code prompt=login}, {@code max_age} exceeded) or consent (not yet given for these scopes, or
 * {@code prompt=consent}), answers {@code login_required} / {@code consent_required} for {@code prompt=none}
 * (OIDC Core §3.1.2.6), and finally issues a code bound to the request.
 */
public final class AuthorizationService {
  /** What the browser is shown next. */
  public sealed interface Step {}

  /** The login form (again, with {@code message}, after a failed attempt). */
  public record Login(String pendingId, String clientName, String message) implements Step {}

  /** The consent screen. */
  public record Consent(String pendingId, RegisteredClient client, String userName, AuthorizationRequest request)
      implements Step {}

  /** Back to the client with a code. */
  public record Redirect(String location) implements Step {}

  /**
   * The first-login registration page: {@code name} prefilled from the IdP, the e-mail address to confirm, the terms of
   * use to accept ({@code termsChanged}: the person accepted an earlier version); {@code message} after a problem.
   */
  public record Register(String handle, String clientName, String name, String email, TermsOfUse terms,
      boolean termsChanged, String message) implements Step {}

  /** A session was just started; set its cookie, then show {@code next}. */
  public record LoggedIn(String sessionId, Step next) implements Step {}


  private final RegistryClient registry;
  private final Optional<PasswordConnector> connector;
  private final Users users;
  private final Sessions sessions;
  private final PendingAuthorizations pending;
  private final Consents consents;
  private final GrantStore grants;
  private final String issuer;
  private final Clock clock;
  /** Whether upstream identity providers (SAML) are configured, so a login page is shown without a password form. */
  private final boolean upstreamLogins;
  /** First-login registration of upstream logins (none: users are created at their first login). */
  private final Optional<Registration> registration;
  private final UpstreamSessions upstreamSessions;

  /**
   * First-login registration: the terms of use to accept, and where pages shown and not yet submitted wait.
   */
  public record Registration(TermsOfUse terms, PendingRegistrations pending) {
    public Registration {
      Objects.requireNonNull(terms, "terms");
      Objects.requireNonNull(pending, "pending");
    }
  }

  /** Told of each session an upstream login starts, with what the upstream said about it (Single Logout). */
  @FunctionalInterface
  public interface UpstreamSessions {
    Future<Void> started(String sid, io.vertx.core.json.JsonObject upstream);

    UpstreamSessions NONE = (sid, upstream) -> Future.succeededFuture();
  }

  public AuthorizationService(RegistryClient registry, Optional<PasswordConnector> connector, Users users,
      Sessions sessions, PendingAuthorizations pending, Consents consents, GrantStore grants, String issuer, Clock clock) {
    this(registry, connector, users, sessions, pending, consents, grants, issuer, clock, false, Optional.empty(),
        UpstreamSessions.NONE);
  }

  /**
   * As above; {@code upstreamLogins}: upstream identity providers are configured (the login page links to them);
   * {@code registration}: first-login registration of upstream logins; {@code upstreamSessions}: told of the sessions
   * upstream logins start.
   */
  public AuthorizationService(RegistryClient registry, Optional<PasswordConnector> connector, Users users,
      Sessions sessions, PendingAuthorizations pending, Consents consents, GrantStore grants, String issuer,
      Clock clock, boolean upstreamLogins, Optional<Registration> registration, UpstreamSessions upstreamSessions) {
    this.upstreamLogins = upstreamLogins;
    this.registration = Objects.requireNonNull(registration, "registration");
    this.upstreamSessions = Objects.requireNonNull(upstreamSessions, "upstreamSessions");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.connector = Objects.requireNonNull(connector, "connector");
    this.users = Objects.requireNonNull(users, "users");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.pending = Objects.requireNonNull(pending, "pending");
    this.consents = Objects.requireNonNull(consents, "consents");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Optional<PasswordConnector> connector() {
    return connector;
  }

  /** A validated request arriving at {@code /authorize}, with the browser's session cookie (or null). */
  public Future<Step> authorize(AuthorizationRequest request, RegisteredClient client, String sessionId) {
    return sessions.find(sessionId).compose(session -> decide(request, client, session, null, false));
  }

  private Future<Step> decide(AuthorizationRequest req, RegisteredClient client, Optional<Sessions.Session> session,
      String pendingId, boolean justLoggedIn) {
    boolean mustLogIn = session.isEmpty()
        || !justLoggedIn && (req.prompt().contains("login") || req.maxAge() != null
            && session.get().authTime().plusSeconds(req.maxAge()).isBefore(clock.instant()));
    if (mustLogIn) {
      if (req.prompt().contains("none")) {
        // OIDC Core §3.1.2.6
        return Future.failedFuture(back(req, OAuthError.loginRequired("the person must log in")));
      }
      if (connector.isEmpty() && !upstreamLogins) {
        return Future.failedFuture(new ErrorPage(503, "Sign-in not available",
            "No way to sign in is configured on this server yet. (The demo users can sign in only when the "
                + "control plane runs with --demo.)"));
      }
      return pendingId(req, pendingId).map(id -> new Login(id, Pages.displayName(client), null));
    }
    Sessions.Session s = session.get();
    // the consent form's answer issues the code directly, so prompt=consent shows the screen exactly once
    boolean forceConsent = req.prompt().contains("consent");
    return consents.covers(s.userId(), req.clientId(), req.scopes()).compose(covered -> {
      if (covered && !forceConsent) {
        return issue(req, s, pendingId);
      }
      if (req.prompt().contains("none")) {
        return Future.failedFuture(back(req, OAuthError.consentRequired("the person must consent to " + String.join(" ",
            req.scopes()))));
      }
      // the consent screen is bound to this browser session: only it may answer (see consent)
      return users.find(s.userId()).compose(user -> pendingId(req, pendingId)
          .compose(id -> pending.bindSession(id, s.sid()).map(v -> (Step) new Consent(id, client,
              user.map(u -> u.attributes().getString("name", s.userId())).orElse(s.userId()), req))));
    });
  }

  private Future<String> pendingId(AuthorizationRequest req, String existing) {
    return existing != null ? Future.succeededFuture(existing) : pending.save(req.toJson());
  }

  private OAuthError back(AuthorizationRequest req, OAuthError e) {
    return e.toRedirect(req.redirectUri(), req.state(), issuer);
  }

  private Future<Step> issue(AuthorizationRequest req, Sessions.Session s, String pendingId) {
    // claim the pending request first: of two concurrent answers to one consent screen only one gets a code
    Future<Boolean> claimed = pendingId == null ? Future.succeededFuture(true) : pending.delete(pendingId);
    return claimed.compose(won -> {
      if (!won) {
        return Future.failedFuture(alreadyAnswered());
      }
      return grants.issueCode(req.clientId(), s.userId(), Set.copyOf(req.scopes()), req.audiences(), s.authTime(),
              s.acr(), s.amr(), req.redirectUri(), req.codeChallenge(), req.nonce(), s.sid())
          .map(code -> (Step) new Redirect(location(req, code)));
    });
  }

  private static ErrorPage alreadyAnswered() {
    return new ErrorPage(400, "This sign-in was already completed",
        "This page was already answered (perhaps in another tab). Go back to the application and start again.");
  }

  private String location(AuthorizationRequest req, String code) {
    StringBuilder l = new StringBuilder(req.redirectUri()).append(req.redirectUri().contains("?") ? '&' : '?')
        .append("code=").append(code);
    if (req.state() != null) {
      l.append("&state=").append(encode(req.state()));
    }
    // RFC 9207: the issuer, against mix-up attacks
    return l.append("&iss=").append(encode(issuer)).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Future<PendingRequest> resume(String pendingId) {
    return pending.find(pendingId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ErrorPage(400, "This page has expired",
            "This sign-in page is no longer valid (it expired, or was already used). Go back to the application and "
                + "start again."));
      }
      AuthorizationRequest req = AuthorizationRequest.fromJson(found.get());
      String consentSid = found.get().getString(PendingAuthorizations.SESSION_FIELD);
      return registry.client(req.clientId()).map(client -> new PendingRequest(req, consentSid, client.orElseThrow(() ->
          new ErrorPage(400, "Unknown application", "The application you were signing in to is no longer registered "
              + "with this federation (or is suspended)."))));
    });
  }

  /** A pending request, the session its consent screen was shown to (or null), and its client. */
  private record PendingRequest(AuthorizationRequest request, String consentSid, RegisteredClient client) {}

  /** The login form was posted: check the password with the connector, start a session, continue. */
  public Future<Step> login(String pendingId, String username, String password) {
    if (connector.isEmpty()) {
      return Future.failedFuture(new ErrorPage(403, "Sign-in not available",
          "Signing in with a username and password is not possible on this server. (The demo users exist only when "
              + "the control plane runs with --demo.)"));
    }
    return resume(pendingId).compose(p -> connector.get().login(username, password).compose(identity -> {
      if (identity.isEmpty()) {
        return Future.succeededFuture(new Login(pendingId, Pages.displayName(p.client()), Pages.WRONG_LOGIN));
      }
      return loggedIn(p, pendingId, identity.get());
    }));
  }

  /** The pending authorization {@code pendingId} (an upstream login about to start for it), or an error page. */
  public Future<AuthorizationRequest> pendingRequest(String pendingId) {
    return resume(pendingId).map(PendingRequest::request);
  }

  /** An upstream (SAML, OIDC) login for the pending authorization finished: start a session, continue. */
  public Future<Step> upstreamLogin(String pendingId, UpstreamIdentity identity) {
    return upstreamLogin(pendingId, identity, null);
  }

  /**
   * An upstream login finished; {@code upstream} (or null) is what the upstream said about its session (for Single
   * Logout, told to {@link UpstreamSessions} once the broker session starts). With registration configured, a person
   * who has not accepted the current terms of use (first login, or a new version) gets the registration page first;
   * nothing about them is stored until they submit it.
   */
  public Future<Step> upstreamLogin(String pendingId, UpstreamIdentity identity,
      io.vertx.core.json.JsonObject upstream) {
    return resume(pendingId).compose(p -> {
      if (registration.isEmpty()) {
        return users.recordLogin(identity).compose(u -> startSession(p, pendingId, identity, upstream));
      }
      TermsOfUse terms = registration.get().terms();
      return users.acceptedTerms(identity.userId()).compose(accepted -> {
        if (accepted.filter(terms.version()::equals).isPresent()) {
          return users.recordLogin(identity).compose(u -> startSession(p, pendingId, identity, upstream));
        }
        return registration.get().pending().save(new PendingRegistration(pendingId, identity, upstream))
            .map(handle -> (Step) new Register(handle, Pages.displayName(p.client()), identity.displayName(),
                identity.email(), terms, accepted.isPresent(), null));
      });
    });
  }

  /**
   * The registration page {@code handle} was submitted: with the terms accepted and a name and e-mail address that
   * can be stored, the user is created (or updated) with them (the e-mail unverified when it differs from the IdP's),
   * a session starts and the authorization continues; otherwise the page again with a message.
   */
  public Future<Step> register(String handle, String name, String email, boolean termsAccepted) {
    if (registration.isEmpty()) {
      return Future.failedFuture(new ErrorPage(404, "No registration here", "This server does not register users."));
    }
    PendingRegistrations store = registration.get().pending();
    TermsOfUse terms = registration.get().terms();
    return store.find(handle).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ErrorPage(400, "Registration expired", "This registration page is no longer "
            + "valid (it expired, or was already submitted). Go back to the application and sign in again."));
      }
      PendingRegistration r = found.get();
      String problem = registrationProblem(name, email, termsAccepted, terms);
      if (problem != null) {
        return resume(r.pendingId()).map(p -> (Step) new Register(handle, Pages.displayName(p.client()),
            Input.isClean(name, 256) ? name : r.identity().displayName(),
            Input.isClean(email, 254) ? email : r.identity().email(), terms, false, problem));
      }
      return store.take(handle).compose(taken -> {
        if (taken.isEmpty()) {
          return Future.failedFuture(new ErrorPage(400, "Registration already submitted", "This registration was "
              + "already submitted (perhaps in another tab). Go back to the application and sign in again."));
        }
        UpstreamIdentity idp = r.identity();
        UpstreamIdentity confirmed = new UpstreamIdentity(idp.userId(), name.strip(), email.strip(),
            idp.entitlements(), idp.assurance(), idp.acr(), idp.amr());
        boolean verified = idp.email() != null && idp.email().equalsIgnoreCase(email.strip());
        return resume(r.pendingId()).compose(p -> users.register(confirmed, verified, terms.version())
            .compose(u -> startSession(p, r.pendingId(), confirmed, r.upstream())));
      });
    });
  }

  /** What is wrong with a submitted registration, for the person; null when nothing. */
  static String registrationProblem(String name, String email, boolean termsAccepted, TermsOfUse terms) {
    if (name == null || name.isBlank() || !Input.isClean(name, 256)) {
      return "Please give your name (at most 256 characters).";
    }
    if (email == null || !Input.isClean(email, 254) || !email.strip().matches("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+")) {
      return "Please give an e-mail address such as name@example.org.";
    }
    if (!termsAccepted) {
      return "To use the federation's services you need to accept its terms of use (version " + terms.version()
          + ").";
    }
    return null;
  }

  /**
   * The upstream login for the pending authorization could not meet the authentication the client required: the
   * pending request ends, and the client gets {@code unmet_authentication_requirements} (OpenID Connect Core Unmet
   * Authentication Requirements 1.0) with its state, at its validated redirect URI.
   */
  public Future<Step> unmetAuthentication(String pendingId, String description) {
    return resume(pendingId).compose(p -> pending.delete(pendingId).compose(won -> Future.failedFuture(won
        ? back(p.request(), OAuthError.unmetAuthenticationRequirements(description)) : alreadyAnswered())));
  }

  private Future<Step> loggedIn(PendingRequest p, String pendingId, UpstreamIdentity identity) {
    return users.recordLogin(identity).compose(u -> startSession(p, pendingId, identity, null));
  }

  /** Starts the session of a recorded user, tells the upstream's listener, continues the authorization. */
  private Future<Step> startSession(PendingRequest p, String pendingId, UpstreamIdentity identity,
      io.vertx.core.json.JsonObject upstream) {
    return sessions.create(identity)
        .compose(sid -> sessions.find(sid)
            .compose(s -> (s.isPresent() && upstream != null ? upstreamSessions.started(s.get().sid(), upstream)
                    : Future.<Void>succeededFuture())
                .compose(v -> decide(p.request(), p.client(), s, pendingId, true)))
            .map(next -> (Step) new LoggedIn(sid, next)));
  }

  /** The consent form was posted by the person of {@code sessionId}. */
  public Future<Step> consent(String pendingId, String sessionId, boolean approve) {
    return resume(pendingId).compose(p -> sessions.find(sessionId).compose(session -> {
      if (session.isEmpty()) {
        return Future.succeededFuture(new Login(pendingId, Pages.displayName(p.client()),
            "Your sign-in has expired. Please sign in again."));
      }
      if (!session.get().sid().equals(p.consentSid())) {
        // the consent screen was shown to another browser session (or none): never a code for this one
        return Future.failedFuture(new ErrorPage(403, "This page belongs to another sign-in",
            "This consent page was not shown in this browser's sign-in, so it cannot be answered here. Go back to the "
                + "application and start again."));
      }
      AuthorizationRequest req = p.request();
      if (!approve) {
        return pending.delete(pendingId).compose(won -> Future.failedFuture(won
            ? back(req, OAuthError.accessDenied("the person did not allow access")) : alreadyAnswered()));
      }
      return consents.remember(session.get().userId(), req.clientId(), req.scopes())
          .compose(v -> issue(req, session.get(), pendingId));
    }));
  }
}
