package eu.panosc.platform.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route handler that admits a request only with a valid {@code Authorization: Bearer} token granting the
 * required scopes; otherwise it answers 401/403 itself with a {@code WWW-Authenticate} challenge.
 * Never logs the token or the Authorization header.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1: Authorization Request Header Field</a>
 */
public final class BearerAuthHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthHandler.class);
  private static final String BEARER = "Bearer";

  private final TokenVerifier verifier;
  private final Set<String> requiredScopes;
  private final RejectionWriter writer;

  /**
   * Writes the body of a 401/403 in a protocol's own format (e.g. AuthZEN's error message string). Status,
   * {@code WWW-Authenticate} and {@code Cache-Control: no-store} are already set; it must end the response.
   */
  @FunctionalInterface
  public interface RejectionWriter {
    void write(RoutingContext ctx, int status, String detail);
  }

  public BearerAuthHandler(TokenVerifier verifier, Set<String> requiredScopes) {
    this(verifier, requiredScopes, null);
  }

  private BearerAuthHandler(TokenVerifier verifier, Set<String> requiredScopes, RejectionWriter writer) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.requiredScopes = Set.copyOf(Objects.requireNonNull(requiredScopes, "requiredScopes"));
    this.writer = writer;
  }

  /** The same check, its rejections' bodies written by {@code writer} instead of problem+json. */
  public BearerAuthHandler rendering(RejectionWriter writer) {
    return new BearerAuthHandler(verifier, requiredScopes, Objects.requireNonNull(writer, "writer"));
  }

  @Override
  public void handle(RoutingContext ctx) {
    // RFC 6750 §2.3 allows tokens in the URL; we never do (they leak into logs and Referer headers)
    if (!ctx.request().params().getAll("access_token").isEmpty()) {
      reject(ctx, BearerChallenge.invalidRequest("access tokens are not accepted in the URL"));
      return;
    }
    List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
    if (headers.isEmpty()) {
      reject(ctx, BearerChallenge.missing("missing bearer token"));
      return;
    }
    if (headers.size() > 1) {
      reject(ctx, BearerChallenge.invalidRequest("more than one Authorization header"));
      return;
    }
    String value = headers.get(0).strip();
    int space = indexOfWhitespace(value);
    String scheme = space < 0 ? value : value.substring(0, space);
    if (!scheme.equalsIgnoreCase(BEARER)) {
      // RFC 6750 §3.1: unsupported authentication method → challenge without error code
      reject(ctx, BearerChallenge.missing("bearer token required"));
      return;
    }
    String token = space < 0 ? "" : value.substring(space).strip();
    if (token.isEmpty()) {
      reject(ctx, BearerChallenge.invalidRequest("missing bearer token"));
      return;
    }
    if (indexOfWhitespace(token) >= 0) {
      reject(ctx, BearerChallenge.invalidRequest("more than one bearer token"));
      return;
    }
    // Verification may wait for the JWKS: hold the request body back so that a BodyHandler after this
    // handler still sees it (it resumes the request); a rejected request is resumed so it can drain.
    boolean pause = !ctx.request().isEnded();
    if (pause) {
      ctx.request().pause();
    }
    verifier.verify(token).onComplete(ar -> {
      if (ar.failed() || !ar.result().scopes().containsAll(requiredScopes)) {
        if (pause) {
          ctx.request().resume();
        }
      }
      if (ar.failed()) {
        reject(ctx, BearerChallenge.invalidToken(reasonOf(ar.cause())));
      } else {
        admit(ctx, ar.result());
      }
    });
  }

  private void admit(RoutingContext ctx, AccessTokenPrincipal principal) {
    if (!principal.scopes().containsAll(requiredScopes)) {
      reject(ctx, BearerChallenge.insufficientScope(new TreeSet<>(requiredScopes)));
      return;
    }
    ctx.put(AccessTokenPrincipal.CONTEXT_KEY, principal);
    ctx.next();
  }

  private static String reasonOf(Throwable cause) {
    if (cause instanceof InvalidTokenException e) {
      return e.reason();
    }
    LOG.warn("Token verification failed unexpectedly: {}", cause.getClass().getName());
    return "token could not be verified";
  }

  private void reject(RoutingContext ctx, BearerChallenge challenge) {
    LOG.debug("Rejected request {} {}: {}", ctx.request().method(), ctx.request().path(), challenge.detail());
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (writer == null) {
      challenge.write(ctx);
    } else {
      ctx.response().setStatusCode(challenge.status())
          .putHeader("WWW-Authenticate", challenge.wwwAuthenticate())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      writer.write(ctx, challenge.status(), challenge.detail());
    }
  }

  /**
   * The first whitespace character's index, or -1. Runs twice over every request's token (hundreds of characters):
   * printable ASCII, all a token is made of, is told apart without {@link Character#isWhitespace}'s table lookup.
   */
  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c <= ' ' || c >= 0x7f) && Character.isWhitespace(c)) {
        return i;
      }
    }
    return -1;
  }
}
