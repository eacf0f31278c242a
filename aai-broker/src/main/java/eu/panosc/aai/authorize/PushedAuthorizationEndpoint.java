package eu.panosc.aai.authorize;

import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.RateLimiter;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Set;

/**
 * {@code POST /par}, the pushed authorization request endpoint (RFC 9126): the client authenticates as at the
 * token endpoint (public clients with {@code client_id}), pushes the authorization request's parameters, which are
 * checked as {@code /authorize} would (but every problem is RFC 6749 §5.2 JSON: {@code invalid_client},
 * {@code invalid_request} for an unregistered {@code redirect_uri}, a pushed {@code request_uri} or a
 * {@code client_id} other than the authenticated one, {@code invalid_scope}, {@code unauthorized_client}, ...), and
 * gets {@code 201} with {@code request_uri} and {@code expires_in} (60). The browser then goes to
 * {@code /authorize?client_id=...&request_uri=...}; the request is usable once. Client credentials are never stored
 * with the request.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9126">RFC 9126</a>
 */
public final class PushedAuthorizationEndpoint {
  /** Client authentication parameters: checked, then dropped from what is stored. */
  static final Set<String> CREDENTIALS = Set.of("client_secret", "client_assertion", "client_assertion_type");

  private final ClientAuthenticator clients;
  private final AuthorizationRequestParser parser;
  private final PushedRequests pushed;
  private final RateLimiter limiter;

  /** {@code limiter} is the token endpoint's: a client's pushed requests count against the same rate. */
  public PushedAuthorizationEndpoint(ClientAuthenticator clients, AuthorizationRequestParser parser,
      PushedRequests pushed, RateLimiter limiter) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.pushed = Objects.requireNonNull(pushed, "pushed");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  public void mount(Router router) {
    router.post("/par").handler(FormBodies.reader(16 * 1024)).handler(this::push);
  }

  private void push(RoutingContext ctx) {
    MultiMap form = TokenEndpoint.requireForm(ctx);
    clients.authenticate(ctx, true)
        .compose(client -> {
          if (!limiter.tryAcquire(client.clientId(), System.nanoTime())) {
            return Future.failedFuture(OAuthError.slowDown(limiter.retryAfterSeconds()));
          }
          parser.parsePushed(form, client.registered());
          MultiMap kept = MultiMap.caseInsensitiveMultiMap();
          for (String name : form.names()) {
            if (!CREDENTIALS.contains(name)) {
              kept.add(name, form.getAll(name));
            }
          }
          kept.set("client_id", client.clientId());
          return pushed.save(client.clientId(), kept);
        })
        .onSuccess(uri -> ctx.response().setStatusCode(201)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache")
            .end(new JsonObject().put("request_uri", uri).put("expires_in", pushed.lifetime().toSeconds()).encode()))
        .onFailure(ctx::fail);
  }
}
