package eu.panosc.aai.account;

import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.discovery.LoginUpstream;
import eu.panosc.aai.discovery.UpstreamCatalog;
import eu.panosc.aai.logout.SessionLogout;
import eu.panosc.aai.registry.RegistryClient;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.PendingAuthorizations;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.aai.user.Users;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The account page's logic, free of HTTP. Everything is done for the user of the browser session the caller names by
 * its cookie value; another user's sessions, consents and identities cannot be named (they are simply not found).
 */
public final class AccountService {
  /** The signed-in person's account: who, their identities, live sessions (which is this one) and consents. */
  public record Overview(String userId, String name, List<IdentityView> identities, List<Sessions.Active> sessions,
      String currentSid, List<ConsentView> consents) {}

  /** An identity with the name of the upstream it came through. */
  public record IdentityView(Identities.LinkedIdentity identity, String upstreamName, boolean primary) {}

  /** A consent with the client's name. */
  public record ConsentView(Consents.Given consent, String clientName) {}

  /** A link waiting for confirmation: the identity released, the upstream's name, whether it is free to link. */
  public record LinkPreview(String pendingId, UpstreamIdentity identity, String upstreamName, LinkState state) {}

  public enum LinkState { FREE, ALREADY_YOURS, TAKEN }

  private final Identities identities;
  private final Users users;
  private final Sessions sessions;
  private final Consents consents;
  private final PendingAuthorizations pending;
  private final SessionLogout logout;
  private final RegistryClient registry;
  private final UpstreamCatalog catalog;
  private final GrantStore grants;

  public AccountService(Identities identities, Users users, Sessions sessions, Consents consents,
      PendingAuthorizations pending, SessionLogout logout, RegistryClient registry, UpstreamCatalog catalog,
      GrantStore grants) {
    this.grants = Objects.requireNonNull(grants, "grants");
    this.identities = Objects.requireNonNull(identities, "identities");
    this.users = Objects.requireNonNull(users, "users");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.consents = Objects.requireNonNull(consents, "consents");
    this.pending = Objects.requireNonNull(pending, "pending");
    this.logout = Objects.requireNonNull(logout, "logout");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** The account of the browser session {@code sessionCookie}; empty when nobody is signed in there. */
  public Future<Optional<Overview>> overview(String sessionCookie) {
    return sessions.find(sessionCookie).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      Sessions.Session s = found.get();
      Future<Map<String, String>> names = upstreamNames();
      Future<List<Identities.LinkedIdentity>> ids = identities.of(s.userId());
      Future<List<Sessions.Active>> active = sessions.active(s.userId());
      Future<List<Consents.Given>> given = consents.given(s.userId());
      Future<Optional<Users.User>> user = users.find(s.userId());
      return Future.all(names, ids, active, given, user).compose(all -> consentViews(given.result()).map(cv -> {
        List<IdentityView> views = ids.result().stream().map(i -> new IdentityView(i, i.upstream() == null
            ? "(not recorded)" : names.result().getOrDefault(i.upstream(), i.upstream()),
            i.subject().equals(s.userId()))).toList();
        String name = user.result().map(u -> u.attributes().getString("name")).orElse(null);
        return Optional.of(new Overview(s.userId(), name == null ? s.userId() : name, views, active.result(), s.sid(),
            cv));
      }));
    });
  }

  private Future<List<ConsentView>> consentViews(List<Consents.Given> given) {
    List<Future<ConsentView>> views = new ArrayList<>();
    for (Consents.Given g : given) {
      views.add(registry.client(g.clientId()).map(c -> c.map(Pages::displayName).orElse(g.clientId()))
          .otherwise(g.clientId()).map(name -> new ConsentView(g, name)));
    }
    return Future.all(views).map(v -> views.stream().map(Future::result).toList());
  }

  private Future<Map<String, String>> upstreamNames() {
    return catalog.upstreams().map(all -> {
      Map<String, String> names = new HashMap<>();
      for (LoginUpstream u : all) {
        names.putIfAbsent(u.upstreamId(), u.displayName());
      }
      return names;
    }).otherwise(Map.of());
  }

  /** Starts signing in to the account page: the pending sign-in's id (for the discovery page). */
  public Future<String> startSignIn() {
    return pending.save(AccountFlow.signIn().toJson());
  }

  /** Starts linking another identity to the signed-in user: the pending link's id (for the discovery page). */
  public Future<String> startLink(String sessionCookie) {
    return signedIn(sessionCookie).compose(s -> pending.save(AccountFlow.link(s.userId(), s.sid()).toJson()));
  }

  /**
   * The link {@code pendingId} waiting for confirmation in this browser session: only the session that started it,
   * after its upstream login, sees it.
   */
  public Future<LinkPreview> preview(String sessionCookie, String pendingId) {
    return signedIn(sessionCookie).compose(s -> linkFlow(pendingId, s).compose(flow -> identities
        .owner(flow.identity().userId()).compose(owner -> upstreamNames().map(names -> new LinkPreview(pendingId,
            flow.identity(), flow.upstream() == null ? "(unknown)" : names.getOrDefault(flow.upstream(),
                flow.upstream()), owner.isEmpty() ? LinkState.FREE : owner.get().equals(s.userId())
                ? LinkState.ALREADY_YOURS : LinkState.TAKEN)))));
  }

  /** The person confirmed the link {@code pendingId}: the identity becomes theirs unless it is someone's already. */
  public Future<Identities.LinkOutcome> confirm(String sessionCookie, String pendingId) {
    return signedIn(sessionCookie).compose(s -> linkFlow(pendingId, s).compose(flow -> pending.delete(pendingId)
        .compose(won -> {
          if (!won) {
            return Future.failedFuture(linkGone());
          }
          UpstreamIdentity id = flow.identity();
          return identities.link(id.userId(), s.userId(), flow.upstream(), id.displayName());
        })));
  }

  /** Unlinks the identity {@code subject} from the signed-in user. */
  public Future<Identities.UnlinkOutcome> unlink(String sessionCookie, String subject) {
    return signedIn(sessionCookie).compose(s -> identities.unlink(s.userId(), subject));
  }

  /** Signs out the session {@code sid} of the signed-in user (ending its facility sessions); false when not theirs. */
  public Future<Boolean> endSession(String sessionCookie, String sid) {
    return signedIn(sessionCookie).compose(s -> sessions.active(s.userId()).compose(active -> {
      if (sid == null || active.stream().noneMatch(a -> a.sid().equals(sid))) {
        return Future.succeededFuture(false);
      }
      return logout.endSessions(List.of(sid)).map(done -> true);
    }));
  }

  /**
   * Revokes the signed-in user's consent for {@code clientId} and every grant they gave it (its refresh tokens stop
   * working, its access tokens are listed as revoked); false when there was no consent. The grants go first, so a
   * failure leaves the consent listed and a retry does both.
   */
  public Future<Boolean> revokeConsent(String sessionCookie, String clientId) {
    return signedIn(sessionCookie).compose(s -> clientId == null ? Future.succeededFuture(false)
        : consents.given(s.userId()).compose(given -> given.stream().noneMatch(g -> g.clientId().equals(clientId))
            ? Future.succeededFuture(false)
            : grants.revokeClientGrants(s.userId(), clientId).compose(v -> consents.revoke(s.userId(), clientId))));
  }

  private Future<Sessions.Session> signedIn(String sessionCookie) {
    return sessions.find(sessionCookie).compose(found -> found.<Future<Sessions.Session>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ErrorPage(401, "You are signed out",
            "Your sign-in has ended, so this could not be done. Open your account page and sign in again."))));
  }

  private Future<AccountFlow> linkFlow(String pendingId, Sessions.Session s) {
    return pending.find(pendingId).compose(found -> {
      Optional<AccountFlow> flow = found.flatMap(AccountFlow::from);
      if (flow.isEmpty() || flow.get().kind() != AccountFlow.Kind.LINK || flow.get().identity() == null) {
        return Future.failedFuture(linkGone());
      }
      if (!flow.get().sid().equals(s.sid()) || !flow.get().userId().equals(s.userId())) {
        return Future.failedFuture(new ErrorPage(403, "This link belongs to another sign-in",
            "Linking this account was started in another browser or sign-in, so it cannot be confirmed here. Open "
                + "your account page and choose Link another account again."));
      }
      return Future.succeededFuture(flow.get());
    });
  }

  private static ErrorPage linkGone() {
    return new ErrorPage(400, "This link has expired",
        "This page to link an account is no longer valid (it expired, or was already answered). Open your account page "
            + "and choose Link another account again.");
  }
}
