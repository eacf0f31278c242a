package eu.panosc.aai.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import eu.panosc.aai.attributes.MappedIdentity;
import eu.panosc.aai.attributes.MissingAttributesException;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in through the configured upstream OpenID providers (eduTEAMS, MyAccessID, any OP), the broker being the
 * relying party: {@link #start} remembers the flow server-side under an opaque {@code state} and answers the OP's
 * authorization URL (code flow, PKCE S256, {@code nonce}); {@link #finish} takes the flow back once, redeems the code
 * (client authentication {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt}), checks
 * the ID token ({@link UpstreamJwts}), merges the userinfo claims (same {@code sub}) and maps them with the upstream's
 * attribute mapper (the community id, never e-mail, is the user key). Failures are {@link ErrorPage}s for the
 * person, with the operator's reason logged (never a token or claim value).
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth">OIDC Core §3.1</a>
 */
public final class OidcLogin {
  private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);
  /** The flow cookie's name starts with this; the rest comes from the state handle. */
  public static final String FLOW_COOKIE_PREFIX = "panosc_oidc_flow_";
  /** Claims of the ID token the userinfo answer may not replace. */
  private static final Set<String> PROTECTED = Set.of("iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce",
      "acr", "amr", "auth_time", "sid", "at_hash", "c_hash", "jti");

  /** An upstream OP the login page offers. */
  public record Choice(String upstreamId, String displayName) {}

  /** A started sign-in: where to send the browser, and the state handle (bind it with {@link #binding}). */
  public record Started(String url, String handle) {}

  /** A finished sign-in: the pending authorization it continues, who signed in, the OP session (for logout). */
  public record Finished(String pendingId, UpstreamIdentity identity, OidcSession session) {}

  /** The OP could not authenticate as the client required: the authorization ends with that OIDC error. */
  public static final class UnmetAuthentication extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String pendingId;

    public UnmetAuthentication(String pendingId, String description) {
      super(description.codePoints().limit(300).map(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?')
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString(), null,
          false, false);
      this.pendingId = Objects.requireNonNull(pendingId, "pendingId");
    }

    public String pendingId() {
      return pendingId;
    }
  }

  private final OidcUpstreams upstreams;
  private final OidcFlows flows;
  private final String redirectUri;
  private final ClientAssertionSigner assertions;
  private final Clock clock;

  /** {@code redirectUri}: the broker's callback ({@code <issuer>/oidc/callback}), registered at every OP. */
  public OidcLogin(List<OidcUpstream> upstreams, OidcFlows flows, String redirectUri, ClientAssertionSigner assertions,
      Clock clock) {
    this(OidcUpstreams.fixed(upstreams), flows, redirectUri, assertions, clock);
  }

  /** As above, the upstreams from {@code upstreams} (configured ones, and those of the registry). */
  public OidcLogin(OidcUpstreams upstreams, OidcFlows flows, String redirectUri, ClientAssertionSigner assertions,
      Clock clock) {
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.flows = Objects.requireNonNull(flows, "flows");
    this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
    this.assertions = Objects.requireNonNull(assertions, "assertions");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The upstreams known now, configured ones first. */
  public List<OidcUpstream> upstreams() {
    return upstreams.current();
  }

  public List<Choice> choices() {
    return upstreams().stream().map(u -> new Choice(u.id(), u.provider().settings().displayName())).toList();
  }

  /** The upstream with {@code issuer} (exactly), if known now. */
  public java.util.Optional<OidcUpstream> byIssuer(String issuer) {
    return upstreams().stream().filter(u -> u.provider().settings().issuerId().equals(issuer)).findFirst();
  }

  public java.util.Optional<OidcUpstream> byId(String id) {
    return id == null ? java.util.Optional.empty() : upstreams().stream().filter(u -> u.id().equals(id)).findFirst();
  }

  /** The flow store (sign-outs are kept there too). */
  OidcFlows flows() {
    return flows;
  }

  /**
   * Starts a sign-in through {@code upstreamId} for the pending authorization {@code pendingId}: the OP's
   * authorization URL with {@code state} (the flow's handle), {@code nonce}, the PKCE S256 challenge, and the client's
   * {@code acr_values} and {@code prompt=login} passed on.
   */
  public Future<Started> start(String pendingId, String upstreamId, List<String> requestedAcr, boolean forceLogin) {
    java.util.Optional<OidcUpstream> known = byId(upstreamId);
    return usable(upstreamId, "start").compose(found -> found.isPresent()
        ? start(found.get(), pendingId, requestedAcr, forceLogin)
        : Future.failedFuture(known.isPresent() ? withdrawn(known.get().provider().settings().displayName())
            : unknownOp()));
  }

  /**
   * The upstream {@code id} if it may be used now (a registry OP: approved right now); a source that cannot tell is
   * the "unavailable" page, never a sign-in through an OP whose standing is unknown.
   */
  private Future<java.util.Optional<OidcUpstream>> usable(String id, String when) {
    return upstreams.usable(id).recover(e -> {
      LOG.error("OIDC upstream {} cannot be checked at sign-in {}: {}", id, when, e.getMessage());
      String name = byId(id).map(u -> u.provider().settings().displayName()).orElse("this identity provider");
      return Future.failedFuture(unavailable(name));
    });
  }

  private Future<Started> start(OidcUpstream upstream, String pendingId, List<String> requestedAcr,
      boolean forceLogin) {
    OidcUpstreamSettings s = upstream.provider().settings();
    return upstream.provider().metadata().recover(e -> {
      LOG.error("OIDC upstream {}: {}; sign-ins through it are refused", upstream.id(), e.getMessage());
      return Future.failedFuture(unavailable(s.displayName()));
    }).compose(m -> {
      String nonce = Opaque.random();
      String verifier = Opaque.random();
      OidcFlow flow;
      try {
        flow = OidcFlow.login(upstream.id(), pendingId, nonce, verifier, requestedAcr);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new ErrorPage(400, "Sign-in request not understood",
            "This sign-in request could not be read. Go back to the application and start again."));
      }
      return flows.start(flow).map(handle -> {
        if (s.automaticRegistration()) {
          return new Started(automaticRegistrationUrl(s, m, handle, nonce, verifier, requestedAcr, forceLogin),
              handle);
        }
        StringBuilder url = new StringBuilder(m.authorizationEndpoint().toString())
            .append(m.authorizationEndpoint().getRawQuery() == null ? '?' : '&')
            .append("response_type=code&client_id=").append(enc(s.clientId()))
            .append("&redirect_uri=").append(enc(redirectUri))
            .append("&scope=").append(enc(String.join(" ", s.scopes())))
            .append("&state=").append(handle)
            .append("&nonce=").append(nonce)
            .append("&code_challenge=").append(Opaque.s256(verifier))
            .append("&code_challenge_method=S256");
        if (!requestedAcr.isEmpty()) {
          url.append("&acr_values=").append(enc(String.join(" ", requestedAcr)));
        }
        if (forceLogin) {
          url.append("&prompt=login");
        }
        return new Started(url.toString(), handle);
      });
    });
  }

  /**
   * OpenID Federation 1.0 §12.1.1.1 (automatic registration, request object): {@code client_id} is the broker's Entity
   * Identifier and every authorization parameter travels in a request object signed RS256 with the broker's own keys
   * (those its {@code openid_relying_party} metadata points to with {@code jwks_uri}; the Federation Entity Keys only sign
   * entity statements), {@code aud} the OP's issuer, {@code jti} and a minute's lifetime; {@code response_type},
   * {@code client_id} and {@code scope} also as query parameters (OIDC Core §6.1).
   */
  private String automaticRegistrationUrl(OidcUpstreamSettings s, ProviderMetadata m, String handle, String nonce,
      String verifier, List<String> requestedAcr, boolean forceLogin) {
    Instant now = clock.instant();
    String scope = String.join(" ", s.scopes());
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(s.clientId()).audience(s.issuerId())
        .jwtID(Opaque.random()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
        .claim("client_id", s.clientId()).claim("response_type", "code").claim("redirect_uri", redirectUri)
        .claim("scope", scope).claim("state", handle).claim("nonce", nonce)
        .claim("code_challenge", Opaque.s256(verifier)).claim("code_challenge_method", "S256");
    if (!requestedAcr.isEmpty()) {
      claims.claim("acr_values", String.join(" ", requestedAcr));
    }
    if (forceLogin) {
      claims.claim("prompt", "login");
    }
    return m.authorizationEndpoint() + (m.authorizationEndpoint().getRawQuery() == null ? "?" : "&")
        + "response_type=code&client_id=" + enc(s.clientId()) + "&scope=" + enc(scope) + "&request="
        + assertions.sign(claims.build());
  }

  /** The flow cookie's name for {@code handle}. */
  public static String flowCookieName(String handle) {
    return FLOW_COOKIE_PREFIX + binding(handle).substring(0, 16).replace('-', 'A').replace('_', 'B');
  }

  /** The flow cookie's value for {@code handle}: its SHA-256, base64url. */
  public static String binding(String handle) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Opaque.sha256(Objects.requireNonNull(handle,
        "handle").getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The OP sent the browser back with {@code params} ({@code state}, {@code code} or {@code error}, RFC 9207
   * {@code iss}); {@code flowCookie} is the browser's flow cookie for that state (or null).
   */
  public Future<Finished> finish(MultiMap params, String flowCookie) {
    String state = params.get("state");
    if (state == null || state.isEmpty() || params.getAll("state").size() > 1 || params.getAll("code").size() > 1) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in answer incomplete",
          "The identity provider's answer did not reach us complete. Go back to the application and sign in again."));
    }
    if (flowCookie == null || !Opaque.equal(binding(state), flowCookie)) {
      LOG.warn("OIDC sign-in answer refused: this browser did not start the sign-in it answers (no matching flow "
          + "cookie)");
      return Future.failedFuture(new ErrorPage(403, "Sign-in started elsewhere",
          "This sign-in answer belongs to a sign-in that was not started in this browser (or your browser did not "
              + "keep our cookie), so you are not signed in. Go back to the application and sign in again from here."));
    }
    return flows.take(state).compose(lookup -> switch (lookup) {
      case OidcFlows.Lookup.Found f when f.flow().kind() == OidcFlow.Kind.LOGIN -> answered(f.flow(), params);
      case OidcFlows.Lookup.Found f -> Future.failedFuture(notKnown());
      case OidcFlows.Lookup.Expired e -> Future.failedFuture(new ErrorPage(400, "Sign-in took too long",
          "This sign-in was started more than " + flows.lifetime().toMinutes() + " minutes ago and has expired. Go "
              + "back to the application and sign in again."));
      case OidcFlows.Lookup.Replayed r -> Future.failedFuture(new ErrorPage(400, "Sign-in already used",
          "This sign-in answer was already used (a reload or the back button?). Go back to the application and sign "
              + "in again."));
      case OidcFlows.Lookup.Missing m -> Future.failedFuture(notKnown());
    });
  }

  private Future<Finished> answered(OidcFlow flow, MultiMap params) {
    java.util.Optional<OidcUpstream> known = byId(flow.upstreamId());
    return usable(flow.upstreamId(), "callback").compose(found -> {
      if (found.isEmpty()) {
        // suspended (or removed) while the person was at the OP: nothing of this answer is used
        LOG.warn("OIDC sign-in answer through upstream {} refused: the upstream is no longer usable (suspended or "
            + "removed while the sign-in was under way)", flow.upstreamId());
        return Future.failedFuture(withdrawn(known.map(u -> u.provider().settings().displayName())
            .orElse("this identity provider")));
      }
      return answered(found.get(), flow, params);
    });
  }

  private Future<Finished> answered(OidcUpstream upstream, OidcFlow flow, MultiMap params) {
    OidcUpstreamSettings s = upstream.provider().settings();
    String iss = params.get("iss");
    if (iss != null && !iss.equals(s.issuerId())) {
      // RFC 9207 §2.4: an answer from another issuer than the one the request went to (mix-up attack)
      LOG.warn("OIDC sign-in answer through upstream {} names another issuer; refused", upstream.id());
      return Future.failedFuture(notAccepted(s.displayName()));
    }
    String error = params.get("error");
    if (error != null) {
      LOG.info("OIDC upstream {} answered error {}", upstream.id(), ProviderMetadata.printable(error));
      if (!flow.requestedAcr().isEmpty() && ("unmet_authentication_requirements".equals(error)
          || "login_required".equals(error))) {
        return Future.failedFuture(new UnmetAuthentication(flow.pendingId(), s.displayName()
            + " cannot authenticate as required (" + String.join(" ", flow.requestedAcr()) + ")"));
      }
      return Future.failedFuture("access_denied".equals(error) ? new ErrorPage(403, "Sign-in cancelled",
          "You did not complete signing in at " + s.displayName() + ". Go back to the application to try again "
              + "or choose another way to sign in.") : new ErrorPage(400, "Sign-in not completed",
          s.displayName() + " could not sign you in. Go back to the application and try again; if this repeats, tell "
              + "the service desk the time it happened."));
    }
    String code = params.get("code");
    if (code == null || code.isEmpty() || code.length() > 4096) {
      return Future.failedFuture(new ErrorPage(400, "Sign-in answer incomplete",
          "The identity provider's answer did not reach us complete. Go back to the application and sign in again."));
    }
    return upstream.provider().metadata()
        .compose(m -> redeem(upstream, m, code, flow.verifier())
            .compose(tokens -> idToken(upstream, tokens, flow.nonce())
                .compose(claims -> userinfo(upstream, m, tokens, claims))
                .compose(claims -> identity(upstream, flow, claims, tokens.getString("id_token")))))
        .recover(e -> {
          if (e instanceof ErrorPage || e instanceof UnmetAuthentication) {
            return Future.failedFuture(e);
          }
          if (e instanceof TokenRejectedException t) {
            LOG.warn("OIDC ID token from upstream {} refused ({}): {}", upstream.id(), t.reason(), t.getMessage());
            return Future.failedFuture(notAccepted(s.displayName()));
          }
          LOG.error("OIDC sign-in through upstream {} failed: {}", upstream.id(), e.getMessage());
          return Future.failedFuture(unavailable(s.displayName()));
        });
  }

  /** The code redeemed at the token endpoint (OIDC Core §3.1.3.1), authenticated as configured. */
  private Future<JsonObject> redeem(OidcUpstream upstream, ProviderMetadata m, String code, String verifier) {
    OidcUpstreamSettings s = upstream.provider().settings();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
        .add("redirect_uri", redirectUri).add("code_verifier", verifier);
    String authorization = authenticate(s, m, form);
    return upstream.provider().postForm(m.tokenEndpoint(), form, authorization).map(r -> {
      if (r.statusCode() != 200) {
        JsonObject err = null;
        try {
          err = r.bodyAsJsonObject();
        } catch (RuntimeException ignored) {
          // not JSON
        }
        throw new IllegalStateException("its token endpoint answered " + r.statusCode() + (err == null ? ""
            : " " + ProviderMetadata.printable(String.valueOf(err.getValue("error")))));
      }
      JsonObject tokens = OidcProvider.json(r, m.tokenEndpoint());
      if (!(tokens.getValue("id_token") instanceof String)) {
        throw new IllegalStateException("its token endpoint answered without an id_token");
      }
      return tokens;
    });
  }

  /**
   * The broker's client authentication at {@code s}'s OP as configured, added to {@code form}; the
   * {@code Authorization} header value for {@code client_secret_basic}, else null. A {@code private_key_jwt} assertion
   * has the token endpoint as audience, at the introspection endpoint too (RFC 7523 §3: the authorization server).
   */
  private String authenticate(OidcUpstreamSettings s, ProviderMetadata m, MultiMap form) {
    String authorization = null;
    switch (s.clientAuth()) {
      case CLIENT_SECRET_BASIC -> authorization = "Basic " + Base64.getEncoder().encodeToString((formEnc(s.clientId())
          + ":" + formEnc(s.clientSecret().orElseThrow().value())).getBytes(StandardCharsets.UTF_8));
      case CLIENT_SECRET_POST -> form.add("client_id", s.clientId()).add("client_secret",
          s.clientSecret().orElseThrow().value());
      case PRIVATE_KEY_JWT -> form.add("client_id", s.clientId())
          .add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
          .add("client_assertion", assertion(s, m.tokenEndpoint()));
    }
    return authorization;
  }

  /**
   * RFC 7662 introspection of {@code token} at {@code upstream}'s {@code introspection_endpoint} (from its discovery
   * document), the broker authenticated as at the token endpoint: the OP's answer. Fails with
   * {@link IllegalStateException} when the OP has no such endpoint, cannot be reached or does not answer 200 with a
   * JSON object (the message never holds the token).
   */
  public Future<JsonObject> introspect(OidcUpstream upstream, String token) {
    OidcUpstreamSettings s = upstream.provider().settings();
    return upstream.provider().metadata().compose(m -> {
      if (m.introspectionEndpoint().isEmpty()) {
        return Future.failedFuture(new IllegalStateException("its discovery document has no introspection_endpoint"));
      }
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("token", token).add("token_type_hint", "access_token");
      String authorization = authenticate(s, m, form);
      return upstream.provider().postForm(m.introspectionEndpoint().get(), form, authorization)
          .map(r -> OidcProvider.json(r, m.introspectionEndpoint().get()));
    });
  }

  /** A {@code private_key_jwt} assertion (RFC 7523 §3): iss = sub = our client id, aud the token endpoint. */
  JWTClaimsSet assertionClaims(OidcUpstreamSettings s, URI tokenEndpoint) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder().issuer(s.clientId()).subject(s.clientId()).audience(tokenEndpoint.toString())
        .jwtID(Opaque.random()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build();
  }

  private String assertion(OidcUpstreamSettings s, URI tokenEndpoint) {
    return assertions.sign(assertionClaims(s, tokenEndpoint));
  }

  private Future<JWTClaimsSet> idToken(OidcUpstream upstream, JsonObject tokens, String nonce) {
    OidcUpstreamSettings s = upstream.provider().settings();
    return UpstreamJwts.verify(tokens.getString("id_token"), upstream.provider()).map(claims -> {
      UpstreamJwts.checkIdToken(claims, s, nonce, clock.instant());
      return claims;
    });
  }

  /** The ID token's claims, with the userinfo answer's merged over them (OIDC Core §5.3.2: its sub must match). */
  private Future<Map<String, Object>> userinfo(OidcUpstream upstream, ProviderMetadata m, JsonObject tokens,
      JWTClaimsSet idToken) {
    Map<String, Object> claims = new LinkedHashMap<>(idToken.getClaims());
    claims.replaceAll((k, v) -> v instanceof Date d ? d.getTime() / 1000 : v);
    OidcUpstreamSettings s = upstream.provider().settings();
    Object accessToken = tokens.getValue("access_token");
    if (!s.userinfo() || m.userinfoEndpoint().isEmpty() || !(accessToken instanceof String at)) {
      return Future.succeededFuture(claims);
    }
    return upstream.provider().userinfo(m.userinfoEndpoint().get(), at).map(info -> {
      if (!idToken.getSubject().equals(info.getValue("sub"))) {
        // OIDC Core §5.3.2: a userinfo answer for another subject must not be used
        throw new TokenRejectedException(TokenRejectedException.Reason.SUBJECT, "userinfo is about another sub");
      }
      info.forEach(e -> {
        if (!PROTECTED.contains(e.getKey())) {
          claims.put(e.getKey(), e.getValue());
        }
      });
      return claims;
    });
  }

  private Future<Finished> identity(OidcUpstream upstream, OidcFlow flow, Map<String, Object> claims, String idToken) {
    OidcUpstreamSettings s = upstream.provider().settings();
    Object acr = claims.get("acr");
    MappedIdentity mapped;
    try {
      mapped = upstream.mapper().identity(UpstreamAttributes.oidc(upstream.id(), s.issuerId(), claims, List.of(),
          acr instanceof String a ? a : null, null));
    } catch (MissingAttributesException e) {
      LOG.warn("OIDC sign-in through upstream {} lacks required attributes {}", upstream.id(), e.missing());
      return Future.failedFuture(new ErrorPage(403, "Information missing", s.displayName() + " did not release what "
          + "this service needs to sign you in: " + String.join(", ", e.missing()) + ". Ask " + s.displayName()
          + " (or your community) to release these attributes to this service."));
    } catch (NoUsableUserIdException e) {
      LOG.warn("OIDC sign-in through upstream {} has no usable user identifier (tried {})", upstream.id(), e.tried());
      return Future.failedFuture(new ErrorPage(403, "No identifier released", s.displayName() + " did not release a "
          + "persistent identifier for you, so we cannot recognise you on your next visit."));
    }
    UpstreamIdentity identity = mapped.identity();
    if (!flow.requestedAcr().isEmpty() && !flow.requestedAcr().contains(identity.acr())) {
      LOG.warn("OIDC upstream {} authenticated with {} instead of the requested {}", upstream.id(), identity.acr(),
          flow.requestedAcr());
      return Future.failedFuture(new UnmetAuthentication(flow.pendingId(), s.displayName() + " authenticated with "
          + identity.acr() + ", not with the required " + String.join(" ", flow.requestedAcr())));
    }
    Object sid = claims.get("sid");
    return Future.succeededFuture(new Finished(flow.pendingId(), identity, new OidcSession(null, upstream.id(),
        s.issuerId(), (String) claims.get("sub"), sid instanceof String x && eu.panosc.platform.input.Input.isClean(x,
            255) ? x : null, idToken)));
  }

  private static ErrorPage unknownOp() {
    return new ErrorPage(400, "Identity provider not known",
        "We do not know this identity provider, so we cannot send you there to sign in. Go back and choose another "
            + "way to sign in.");
  }

  /** An upstream the federation no longer offers (suspended in the registry), before or during a sign-in. */
  static ErrorPage withdrawn(String name) {
    return new ErrorPage(403, "Sign-in through " + name + " not possible", name + " is not available for signing in "
        + "to the PaNOSC federation at the moment, so you are not signed in. Go back to the application and choose "
        + "another way to sign in.");
  }

  private static ErrorPage notKnown() {
    return new ErrorPage(400, "Sign-in not known here",
        "We have no record of this sign-in (it was not started here, or is long gone). Go back to the application "
            + "and sign in again.");
  }

  static ErrorPage notAccepted(String name) {
    return new ErrorPage(400, "Sign-in answer not accepted", "The answer from " + name + " could not be accepted, "
        + "so you are not signed in. Go back to the application and sign in again; if this repeats, tell the service "
        + "desk the time it happened.");
  }

  static ErrorPage unavailable(String name) {
    return new ErrorPage(503, "Sign-in through " + name + " unavailable", "We cannot sign you in through " + name
        + " right now. Please try again later or choose another way to sign in; the service desk has been told.");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic. */
  private static String formEnc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
