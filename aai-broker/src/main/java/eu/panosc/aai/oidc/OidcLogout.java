package eu.panosc.aai.oidc;

import eu.panosc.aai.logout.SessionLogout;
import eu.panosc.aai.logout.UpstreamLogout;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logout between the broker and its upstream OPs, both directions. Broker to OP ({@link #after}, RP-initiated logout
 * 1.0): when a broker session that an OP sign-in started ends, the browser goes to the OP's
 * {@code end_session_endpoint} with the OP's ID token as {@code id_token_hint}, our {@code client_id}, the broker's
 * {@code post_logout_redirect_uri} ({@code <issuer>/oidc/logged-out}) and an opaque {@code state} under which the
 * way on (the client's checked redirect) waits. OP to broker ({@link #backChannel}, Back-Channel Logout 1.0): a
 * verified logout token ends every broker session of that OP session (or subject) exactly as a broker logout does,
 * so the facilities are told through the broker's own back-channel fan-out.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">RP-Initiated Logout 1.0</a>
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">Back-Channel Logout 1.0</a>
 */
public final class OidcLogout implements UpstreamLogout {
  private static final Logger LOG = LoggerFactory.getLogger(OidcLogout.class);

  private final OidcLogin login;
  private final OidcSessions sessions;
  private final SessionLogout sessionLogout;
  private final String postLogoutRedirectUri;
  private final Clock clock;

  /** What a verified logout token did: the broker sessions it ended. */
  public record BackChannelResult(String upstreamId, int sessionsEnded) {}

  public OidcLogout(OidcLogin login, OidcSessions sessions, SessionLogout sessionLogout, String postLogoutRedirectUri,
      Clock clock) {
    this.login = Objects.requireNonNull(login, "login");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.sessionLogout = Objects.requireNonNull(sessionLogout, "sessionLogout");
    this.postLogoutRedirectUri = Objects.requireNonNull(postLogoutRedirectUri, "postLogoutRedirectUri");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Remembers that broker session {@code sid} came from {@code session}'s OP sign-in. */
  public Future<Void> started(String sid, OidcSession session) {
    return sessions.remember(session.withSid(sid));
  }

  @Override
  public Future<Optional<String>> after(String sid, String redirect, String state) {
    return sessions.find(sid).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<String>empty());
      }
      OidcSession s = found.get();
      Optional<OidcUpstream> upstream = login.byId(s.upstreamId());
      Future<Void> forget = sessions.forget(sid);
      if (upstream.isEmpty() || !upstream.get().provider().settings().logout()) {
        return forget.map(v -> Optional.<String>empty());
      }
      OidcUpstreamSettings settings = upstream.get().provider().settings();
      String next = redirect == null ? null : state == null ? redirect
          : redirect + (redirect.contains("?") ? "&" : "?") + "state=" + enc(state);
      return forget.compose(v -> upstream.get().provider().metadata()).compose(m -> {
        if (m.endSessionEndpoint().isEmpty()) {
          return Future.succeededFuture(Optional.<String>empty());
        }
        return login.flows().start(OidcFlow.logout(s.upstreamId(), next)).map(handle -> {
          String end = m.endSessionEndpoint().get().toString();
          return Optional.of(end + (end.contains("?") ? "&" : "?") + "id_token_hint=" + s.idToken() + "&client_id="
              + enc(settings.clientId()) + "&post_logout_redirect_uri=" + enc(postLogoutRedirectUri) + "&state="
              + handle);
        });
      });
    });
  }

  /**
   * The OP came back from its logout with {@code state}: where the browser goes on (the client's redirect), or empty
   * for the broker's signed-out page (also when the state is unknown, used or expired: the person is signed out here
   * anyway).
   */
  public Future<Optional<String>> loggedOut(String state) {
    return login.flows().take(state).map(lookup -> lookup instanceof OidcFlows.Lookup.Found f
        && f.flow().kind() == OidcFlow.Kind.LOGOUT ? Optional.ofNullable(f.flow().redirect()) : Optional.empty());
  }

  /**
   * A back-channel logout token posted by an OP: verified against the upstream its {@code iss} names (signature by its
   * JWKS, {@link UpstreamJwts#checkLogoutToken}); then the broker sessions of its {@code sid} (or {@code sub}) end.
   * Fails with a {@link TokenRejectedException} for a token that does not verify.
   */
  public Future<BackChannelResult> backChannel(String logoutToken) {
    Optional<OidcUpstream> upstream = UpstreamJwts.peekIssuer(logoutToken).flatMap(login::byIssuer);
    if (upstream.isEmpty()) {
      return Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.ISSUER,
          "no configured upstream OP has this issuer"));
    }
    OidcUpstreamSettings s = upstream.get().provider().settings();
    return UpstreamJwts.verify(logoutToken, upstream.get().provider()).compose(claims -> {
      UpstreamJwts.checkLogoutToken(claims, s, clock.instant());
      Object sid = claims.getClaim("sid");
      return sessions.sessionsOf(s.issuerId(), claims.getSubject(), sid instanceof String x ? x : null);
    }).compose(sids -> end(upstream.get().id(), sids));
  }

  private Future<BackChannelResult> end(String upstreamId, List<String> sids) {
    if (sids.isEmpty()) {
      LOG.info("back-channel logout from upstream {}: no broker session of it is open", upstreamId);
      return Future.succeededFuture(new BackChannelResult(upstreamId, 0));
    }
    return sessionLogout.endSessions(sids).compose(done -> {
      Future<Void> all = Future.succeededFuture();
      for (String sid : sids) {
        all = all.compose(v -> sessions.forget(sid));
      }
      LOG.info("back-channel logout from upstream {} ended {} broker session(s), {} facility deliveries", upstreamId,
          done.ended().size(), done.deliveries());
      return all.map(v -> new BackChannelResult(upstreamId, done.ended().size()));
    });
  }

  /** Drops upstream sessions whose broker session's lifetime has ended. */
  public Future<Void> purgeExpired() {
    return sessions.purgeExpired();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
