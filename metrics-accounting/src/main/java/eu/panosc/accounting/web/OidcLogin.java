package eu.panosc.accounting.web;

import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The report page as an ordinary OIDC client of the aai-broker: authorization-code flow with PKCE (S256), state
 * bound to the browser by a cookie, nonce checked in the ID token, the code exchanged with
 * {@code client_secret_basic}, both tokens verified against the broker's JWKS. A person may read reports when the
 * access token grants {@code accounting:read} and carries one of the configured reader entitlements.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth">OIDC Core §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636 (PKCE)</a>
 */
public final class OidcLogin {
  public static final String SCOPE = "openid profile accounting:read";
  static final Duration LOGIN_WINDOW = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Where to send the browser, and the state value for its cookie. */
  public record Begin(String state, String authorizeUrl) {}

  /** A new session and the random id for its cookie (only its hash is stored), and the page query to return to. */
  public record SignedIn(PageSessions.PageSession session, String sessionId, String returnQuery) {}

  private final WebClient web;
  private final PageSessions sessions;
  private final ReportPageSettings settings;
  private final String issuer;
  private final String redirectUri;
  private final TokenVerifier accessTokens;
  private final TokenVerifier idTokens;
  private final Clock clock;

  public OidcLogin(WebClient web, PageSessions sessions, ReportPageSettings settings, String issuer,
      String redirectUri, TokenVerifier accessTokens, TokenVerifier idTokens, Clock clock) {
    this.web = Objects.requireNonNull(web, "web");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
    this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
    this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String issuer() {
    return issuer;
  }

  /** Stores a pending login and answers the authorization request URL. */
  public Future<Begin> begin(String returnQuery) {
    String state = random();
    String verifier = random();
    String nonce = random();
    String clientId = settings.clientId().orElseThrow();
    PageSessions.PendingLogin pending = new PageSessions.PendingLogin(sha256(state), verifier, nonce, returnQuery,
        clock.instant().plus(LOGIN_WINDOW));
    String url = issuer + "/authorize?response_type=code&client_id=" + enc(clientId) + "&redirect_uri="
        + enc(redirectUri) + "&scope=" + enc(SCOPE) + "&state=" + enc(state) + "&nonce=" + enc(nonce)
        + "&code_challenge=" + enc(s256(verifier)) + "&code_challenge_method=S256";
    return sessions.saveLogin(pending).map(v -> new Begin(state, url));
  }

  /**
   * Completes a sign-in from the redirect's {@code code}, {@code state} and {@code iss} (RFC 9207), the state being
   * the one the browser's cookie holds. Fails with {@link LoginException}.
   */
  public Future<SignedIn> complete(String cookieState, String state, String code, String iss) {
    if (state == null || code == null) {
      return Future.failedFuture(new LoginException(400, "The sign-in answer carried no code or state."));
    }
    if (cookieState == null || !MessageDigest.isEqual(cookieState.getBytes(StandardCharsets.UTF_8),
        state.getBytes(StandardCharsets.UTF_8))) {
      // the state must come back to the browser that started the login (CSRF of the sign-in itself)
      return Future.failedFuture(new LoginException(400, "This sign-in was not started in this browser, or it "
          + "took too long. Start again."));
    }
    if (iss != null && !issuer.equals(iss)) {
      return Future.failedFuture(new LoginException(400, "The sign-in answer came from another issuer."));
    }
    return sessions.takeLogin(sha256(state), clock.instant()).compose(pending -> pending.isEmpty()
        ? Future.failedFuture(new LoginException(400, "This sign-in has expired or was already used. Start again."))
        : exchange(code, pending.get()));
  }

  private Future<SignedIn> exchange(String code, PageSessions.PendingLogin pending) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
        .add("redirect_uri", redirectUri).add("code_verifier", pending.codeVerifier());
    return web.postAbs(issuer + "/token").basicAuthentication(enc(settings.clientId().orElseThrow()),
        enc(settings.clientSecret())).timeout(10_000).sendForm(form)
        .recover(e -> Future.failedFuture(new LoginException(503, "The sign-in service cannot be reached; try "
            + "again in a minute.")))
        .compose(resp -> tokens(resp, pending));
  }

  private Future<SignedIn> tokens(HttpResponse<Buffer> resp, PageSessions.PendingLogin pending) {
    JsonObject body;
    try {
      body = resp.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (resp.statusCode() != 200 || body == null || body.getString("access_token") == null
        || body.getString("id_token") == null) {
      String error = body == null ? "HTTP " + resp.statusCode() : String.valueOf(body.getString("error"));
      return Future.failedFuture(new LoginException(400, "The sign-in service refused the sign-in (" + error
          + "). Start again."));
    }
    String accessToken = body.getString("access_token");
    String idToken = body.getString("id_token");
    return idTokens.verify(idToken).recover(e -> Future.failedFuture(new LoginException(400,
        "The identity token could not be verified."))).compose(id -> {
          if (!pending.nonce().equals(id.claims().get("nonce"))) {
            return Future.failedFuture(new LoginException(400, "The identity token belongs to another sign-in."));
          }
          return accessTokens.verify(accessToken).recover(e -> Future.failedFuture(new LoginException(400,
              "The access token could not be verified."))).compose(at -> name(accessToken, id)
              .map(name -> session(id, at, name, idToken, pending)));
        });
  }

  private SignedIn session(AccessTokenPrincipal id, AccessTokenPrincipal at, String name, String idToken,
      PageSessions.PendingLogin pending) {
    String sessionId = random();
    PageSessions.PageSession s = new PageSessions.PageSession(sha256(sessionId), id.subject(), name, isReader(at),
        random(), idToken, clock.instant().plus(settings.sessionLifetime()));
    return new SignedIn(s, sessionId, pending.returnQuery());
  }

  /** The scope {@code accounting:read} and one of the reader entitlements. */
  boolean isReader(AccessTokenPrincipal at) {
    if (!at.hasScope("accounting:read")) {
      return false;
    }
    Object held = at.claims().get("eduperson_entitlement");
    return held instanceof List<?> list && list.stream().map(String::valueOf)
        .anyMatch(settings.readerEntitlements()::contains);
  }

  /** The name from userinfo ({@code profile}), else the subject. */
  private Future<String> name(String accessToken, AccessTokenPrincipal id) {
    return web.getAbs(issuer + "/userinfo").bearerTokenAuthentication(accessToken).timeout(10_000).send()
        .map(r -> {
          try {
            String n = r.statusCode() == 200 ? r.bodyAsJsonObject().getString("name") : null;
            return n == null || n.isBlank() ? id.subject() : n;
          } catch (RuntimeException e) {
            return id.subject();
          }
        }).otherwise(id.subject());
  }

  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
