package eu.panosc.aai.authorize;

import eu.panosc.aai.account.AccountFlow;
import eu.panosc.aai.account.Identities;
import eu.panosc.aai.discovery.PendingLogins;
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
public final class AuthorizationService implements PendingLogins {
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

  /**
   * An account flow continues at the account pages: the account page itself (signed in), or the confirmation page of
   * the link {@code pendingId} ({@code confirmLink}).
   */
  public record AccountNext(String pendingId, boolean confirmLink) implements Step {}


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
  /** Which user each upstream identity belongs to (account linking). */
  private final Identities identities;

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
    this(registry, connector, users, sessions, pending, consents, grants, issuer, clock, upstreamLogins, registration,
        upstreamSessions, Identities.NONE);
  }

  /** As above; {@code identities}: the linked identities a login resolves through to its user. */
  public AuthorizationService(RegistryClient registry, Optional<PasswordConnector> connector, Users users,
      Sessions sessions, PendingAuthorizations pending, Consents consents, GrantStore grants, String issuer,
      Clock clock, boolean upstreamLogins, Optional<Registration> registration, UpstreamSessions upstreamSessions,
      Identities identities) {
    this.identities = Objects.requireNonNull(identities, "identities");
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
      if (found.get().containsKey(AccountFlow.FIELD)) {
        return Future.failedFuture(new ErrorPage(400, "This page belongs to your account sign-in",
            "This page is part of signing in to your account page, not to an application. Open your account page and "
                + "start again."));
      }
      AuthorizationRequest req = AuthorizationRequest.fromJson(found.get());
      String consentSid = found.get().getString(PendingAuthorizations.SESSION_FIELD);
      String chosen = found.get().getString(CHOSEN_UPSTREAM);
      return registry.client(req.clientId()).map(client -> new PendingRequest(req, consentSid, chosen, client.orElseThrow(() ->
          new ErrorPage(400, "Unknown application", "The application you were signing in to is no longer registered "
              + "with this federation (or is suspended)."))));
    });
  }

  /** A pending request, the session its consent screen was shown to (or null), and its client. */
  private record PendingRequest(AuthorizationRequest request, String consentSid, String chosenUpstream,
      RegisteredClient client) {}

  /** The field of a pending request naming the upstream the person chose to sign in through. */
  static final String CHOSEN_UPSTREAM = "chosenUpstream";

  /** The login form was posted: check the password with the connector, start a session, continue. */
  public Future<Step> login(String pendingId, String username, String password) {
    if (connector.isEmpty()) {
      return Future.failedFuture(new ErrorPage(403, "Sign-in not available",
          "Signing in with a username and password is not possible on this server. (The demo users exist only when "
              + "the control plane runs with --demo.)"));
    }
    String upstreamId = connector.get().id();
    return accountFlow(pendingId).compose(flow -> {
      if (flow.isPresent()) {
        return connector.get().login(username, password).compose(identity -> identity.isEmpty()
            ? Future.succeededFuture(new Login(pendingId, AccountFlow.CLIENT_NAME, Pages.WRONG_LOGIN))
            : account(flow.get(), pendingId, upstreamId, identity.get(), null));
      }
      return resume(pendingId).compose(p -> {
        if (!p.client().allowsUpstream(upstreamId)) {
          return Future.failedFuture(upstreamNotAllowed());
        }
        return connector.get().login(username, password).compose(identity -> {
          if (identity.isEmpty()) {
            return Future.succeededFuture(new Login(pendingId, Pages.displayName(p.client()), Pages.WRONG_LOGIN));
          }
          return loggedIn(p, pendingId, identity.get(), upstreamId);
        });
      });
    });
  }

  /** The pending authorization {@code pendingId} (an upstream login about to start for it), or an error page. */
  public Future<AuthorizationRequest> pendingRequest(String pendingId) {
    return accountFlow(pendingId).compose(flow -> flow.isPresent()
        // an account flow has no client: a link always signs in afresh at the upstream (the identity to link)
        ? Future.succeededFuture(new AuthorizationRequest(AccountFlow.FIELD, "", java.util.List.of(), null, null, null,
            flow.get().kind() == AccountFlow.Kind.LINK ? Set.of("login") : Set.of(), null, java.util.List.of(),
            java.util.List.of()))
        : resume(pendingId).map(PendingRequest::request));
  }

  /** The pending sign-in for the discovery page: its client's name and allowed upstreams (an account flow: all). */
  @Override
  public Future<PendingLogin> find(String pendingId) {
    return accountFlow(pendingId).compose(flow -> flow.isPresent()
        ? Future.succeededFuture(new PendingLogin(AccountFlow.CLIENT_NAME, java.util.List.of()))
        : resume(pendingId).map(p -> new PendingLogin(Pages.displayName(p.client()), p.client().allowedUpstreams())));
  }

  /**
   * The person chose to sign in through {@code upstreamId} for the pending sign-in: refused (a page) when its client
   * may not use that upstream (the registry's {@code allowedUpstreams}), else remembered for the identity's record.
   */
  public Future<Void> chooseUpstream(String pendingId, String upstreamId) {
    return accountFlow(pendingId).compose(flow -> flow.isPresent() ? Future.succeededFuture()
        : resume(pendingId).compose(p -> p.client().allowsUpstream(upstreamId) ? Future.<Void>succeededFuture()
            : Future.failedFuture(upstreamNotAllowed())))
        .compose(v -> upstreamId == null ? Future.succeededFuture()
            : pending.attach(pendingId, new io.vertx.core.json.JsonObject().put(CHOSEN_UPSTREAM, upstreamId)));
  }

  private static ErrorPage upstreamNotAllowed() {
    return new ErrorPage(403, "Not available for this application",
        "This application does not accept sign-ins through this identity provider. Go back and choose one of those "
            + "the sign-in page offers.");
  }

  /** The account flow {@code pendingId} is, if it is one. */
  private Future<Optional<AccountFlow>> accountFlow(String pendingId) {
    return pending.find(pendingId).map(found -> found.flatMap(AccountFlow::from));
  }

  /** The identity as its user: the user it is linked to, else itself (a new user's id is its first identity). */
  private Future<UpstreamIdentity> canonical(UpstreamIdentity identity) {
    return identities.owner(identity.userId()).map(owner -> owner.filter(o -> !o.equals(identity.userId()))
        .map(o -> new UpstreamIdentity(o, identity.displayName(), identity.email(), identity.entitlements(),
            identity.assurance(), identity.acr(), identity.amr()))
        .orElse(identity));
  }

  /**
   * An account flow's upstream login finished: signing in to the account page starts a session (with the
   * registration page first for someone who never registered); a link keeps the identity for the confirmation page.
   */
  private Future<Step> account(AccountFlow flow, String pendingId, String upstreamId, UpstreamIdentity identity,
      io.vertx.core.json.JsonObject upstream) {
    if (flow.kind() == AccountFlow.Kind.LINK) {
      return pending.find(pendingId).compose(found -> {
        String chosen = found.map(j -> j.getString(CHOSEN_UPSTREAM)).orElse(null);
        return pending.attach(pendingId, AccountFlow.released(identity, upstreamId != null ? upstreamId : chosen))
            .map(v -> (Step) new AccountNext(pendingId, true));
      });
    }
    return canonical(identity).compose(user -> {
      Future<Boolean> registered = registration.isEmpty() ? Future.succeededFuture(true)
          : users.acceptedTerms(user.userId()).map(a -> a.filter(registration.get().terms().version()::equals)
              .isPresent());
      return registered.compose(ok -> {
        if (!ok) {
          return registration.get().pending().save(new PendingRegistration(pendingId, identity, upstream))
              .map(handle -> (Step) new Register(handle, AccountFlow.CLIENT_NAME, identity.displayName(),
                  identity.email(), registration.get().terms(), false, null));
        }
        return pending.find(pendingId).compose(found -> accountSession(pendingId, identity, user,
            upstreamId != null ? upstreamId : found.map(j -> j.getString(CHOSEN_UPSTREAM)).orElse(null), upstream,
            false));
      });
    });
  }

  /** A signed-in account flow: the user recorded (registered), the identity remembered, a session, the account page. */
  private Future<Step> accountSession(String pendingId, UpstreamIdentity original, UpstreamIdentity user,
      String upstreamId, io.vertx.core.json.JsonObject upstream, boolean alreadyRecorded) {
    Future<?> recorded = alreadyRecorded ? Future.succeededFuture() : users.recordLogin(user);
    return recorded.compose(u -> identities.remember(original.userId(), user.userId(), upstreamId,
            original.displayName()))
        .compose(v -> pending.delete(pendingId))
        .compose(won -> sessions.create(user))
        .compose(sid -> sessions.find(sid)
            .compose(s -> s.isPresent() && upstream != null ? upstreamSessions.started(s.get().sid(), upstream)
                : Future.<Void>succeededFuture())
            .map(v -> (Step) new LoggedIn(sid, new AccountNext(pendingId, false))));
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
    return accountFlow(pendingId).compose(flow -> flow.isPresent()
        ? account(flow.get(), pendingId, null, identity, upstream)
        : resume(pendingId).compose(p -> canonical(identity).compose(user -> {
      if (registration.isEmpty()) {
        return users.recordLogin(user).compose(u -> remember(identity, user, p.chosenUpstream()))
            .compose(u -> startSession(p, pendingId, user, upstream));
      }
      TermsOfUse terms = registration.get().terms();
      return users.acceptedTerms(user.userId()).compose(accepted -> {
        if (accepted.filter(terms.version()::equals).isPresent()) {
          return users.recordLogin(user).compose(u -> remember(identity, user, p.chosenUpstream()))
              .compose(u -> startSession(p, pendingId, user, upstream));
        }
        return registration.get().pending().save(new PendingRegistration(pendingId, identity, upstream))
            .map(handle -> (Step) new Register(handle, Pages.displayName(p.client()), identity.displayName(),
                identity.email(), terms, accepted.isPresent(), null));
      });
    })));
  }

  /** Records that {@code original} signed in as {@code user} (through {@code upstreamId}, or null when unknown). */
  private Future<Void> remember(UpstreamIdentity original, UpstreamIdentity user, String upstreamId) {
    return identities.remember(original.userId(), user.userId(), upstreamId, original.displayName());
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
        return clientName(r.pendingId()).map(clientName -> (Step) new Register(handle, clientName,
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
        return pending.find(r.pendingId()).compose(stored -> {
          Optional<AccountFlow> flow = stored.flatMap(AccountFlow::from);
          String chosen = stored.map(j -> j.getString(CHOSEN_UPSTREAM)).orElse(null);
          if (flow.isPresent()) {
            return canonical(confirmed).compose(user -> users.register(user, verified, terms.version())
                .compose(u -> accountSession(r.pendingId(), confirmed, user, chosen, r.upstream(), true)));
          }
          return resume(r.pendingId()).compose(p -> canonical(confirmed).compose(user -> users.register(user,
                  verified, terms.version())
              .compose(u -> remember(confirmed, user, chosen))
              .compose(u -> startSession(p, r.pendingId(), user, r.upstream()))));
        });
      });
    });
  }

  /** What the pages call the pending sign-in's client (an account flow: the account). */
  private Future<String> clientName(String pendingId) {
    return accountFlow(pendingId).compose(flow -> flow.isPresent() ? Future.succeededFuture(AccountFlow.CLIENT_NAME)
        : resume(pendingId).map(p -> Pages.displayName(p.client())));
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

  private Future<Step> loggedIn(PendingRequest p, String pendingId, UpstreamIdentity identity, String upstreamId) {
    return canonical(identity).compose(user -> users.recordLogin(user)
        .compose(u -> remember(identity, user, upstreamId))
        .compose(u -> startSession(p, pendingId, user, null)));
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
