package eu.panosc.aai.oidc;

import com.nimbusds.jose.jwk.JWK;
import eu.panosc.aai.federation.trust.TrustChainException;
import eu.panosc.aai.federation.trust.TrustChainResolver;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream OP as the broker reaches it: its discovery document and JWKS, each fetched on first use, used for
 * {@code discoveryRefresh} and then fetched again (a failed refresh keeps the last good copy); a signature by a key id
 * the cached JWKS lacks fetches the JWKS again at once (key rotation), but at most once per {@code jwksRefetch}, so
 * tokens with made-up key ids cannot make the broker hammer the OP. Also the token and userinfo requests.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys">OIDC Core §10.1.1</a>
 */
public final class OidcProvider {
  /** Discovery documents, JWKS and token responses larger than this are refused. */
  static final int MAX_BODY = 512 * 1024;

  private final OidcUpstreamSettings settings;
  private final WebClient web;
  private final Clock clock;
  private final TrustChainResolver federation;
  private Cached<ProviderMetadata> metadata;
  private Cached<JWKSet> jwks;
  private Instant lastKeyRefetch = Instant.EPOCH;

  private record Cached<T>(T value, Instant fetchedAt) {}

  public OidcProvider(OidcUpstreamSettings settings, WebClient web, Clock clock) {
    this(settings, web, clock, null);
  }

  /**
   * As above; an OP with a {@code trustAnchor} takes its metadata from its OpenID Federation trust chain resolved by
   * {@code federation} (null: such an OP is never usable).
   */
  public OidcProvider(OidcUpstreamSettings settings, WebClient web, Clock clock, TrustChainResolver federation) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.web = Objects.requireNonNull(web, "web");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.federation = federation;
  }

  public OidcUpstreamSettings settings() {
    return settings;
  }

  /**
   * The OP's metadata. From its discovery document: cached, refetched after {@code discoveryRefresh} (a failed refetch
   * keeps the last good copy). Through OpenID Federation: its {@code openid_provider} metadata from the trust chain to
   * the configured anchor, policy applied, kept until the chain's earliest {@code exp}; a chain that does not hold fails
   * (never a last copy: an OP whose chain broke is not trusted).
   */
  public synchronized Future<ProviderMetadata> metadata() {
    if (settings.trustAnchor().isPresent()) {
      return federated(settings.trustAnchor().get());
    }
    Cached<ProviderMetadata> m = metadata;
    Instant now = clock.instant();
    if (m != null && now.isBefore(m.fetchedAt().plus(settings.discoveryRefresh()))) {
      return Future.succeededFuture(m.value());
    }
    String url = settings.issuerId().replaceAll("/+$", "") + "/.well-known/openid-configuration";
    return getJson(URI.create(url)).map(doc -> {
      ProviderMetadata parsed = ProviderMetadata.parse(doc, settings.issuerId());
      synchronized (this) {
        metadata = new Cached<>(parsed, now);
      }
      return parsed;
    }).recover(e -> m != null ? Future.succeededFuture(m.value()) : Future.failedFuture(
        new IllegalStateException("discovery document " + url + " not usable: " + e.getMessage(), e)));
  }

  private Future<ProviderMetadata> federated(TrustChainResolver.TrustAnchor anchor) {
    if (federation == null) {
      return Future.failedFuture(new IllegalStateException("it is to be trusted through OpenID Federation, and this "
          + "broker resolves no trust chains"));
    }
    return federation.resolve(settings.issuerId(), anchor, "openid_provider")
        .map(r -> {
          if (settings.automaticRegistration()
              && !ProviderMetadata.clientRegistrationTypes(r.metadata()).contains("automatic")) {
            // OIDF 1.0 §12.1: an OP offering automatic registration lists it in client_registration_types_supported
            throw new IllegalStateException("it does not offer automatic registration "
                + "(client_registration_types_supported)");
          }
          return ProviderMetadata.parse(r.metadata(), settings.issuerId());
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("no valid OpenID Federation trust chain to "
            + anchor.entityId() + " (" + (e instanceof TrustChainException t ? t.reason().name().toLowerCase(
                java.util.Locale.ROOT) + ": " : "") + e.getMessage() + ")", e)));
  }

  /**
   * The OP's public key {@code kid} (null: the only key, when the JWKS has exactly one signing key). An unknown kid
   * fetches the JWKS again unless that was done less than {@code jwksRefetch} ago.
   */
  public Future<Optional<JWK>> key(String kid) {
    return jwks(false).compose(set -> {
      Optional<JWK> found = find(set, kid);
      if (found.isPresent() || !mayRefetch()) {
        return Future.succeededFuture(found);
      }
      return jwks(true).map(fresh -> find(fresh, kid));
    });
  }

  private synchronized boolean mayRefetch() {
    Instant now = clock.instant();
    if (now.isBefore(lastKeyRefetch.plus(settings.jwksRefetch()))) {
      return false;
    }
    lastKeyRefetch = now;
    return true;
  }

  private static Optional<JWK> find(JWKSet set, String kid) {
    List<JWK> signing = set.getKeys().stream().filter(k -> k.getKeyUse() == null
        || com.nimbusds.jose.jwk.KeyUse.SIGNATURE.equals(k.getKeyUse())).toList();
    if (kid == null) {
      return signing.size() == 1 ? Optional.of(signing.get(0)) : Optional.empty();
    }
    return signing.stream().filter(k -> kid.equals(k.getKeyID())).findFirst();
  }

  private Future<JWKSet> jwks(boolean force) {
    Cached<JWKSet> j;
    synchronized (this) {
      j = jwks;
    }
    Instant now = clock.instant();
    if (!force && j != null && now.isBefore(j.fetchedAt().plus(settings.discoveryRefresh()))) {
      return Future.succeededFuture(j.value());
    }
    return metadata().compose(m -> getJson(m.jwksUri())).map(doc -> {
      JWKSet set;
      try {
        set = JWKSet.parse(doc.getMap());
      } catch (java.text.ParseException e) {
        throw new IllegalArgumentException("JWKS not readable: " + e.getMessage(), e);
      }
      synchronized (this) {
        jwks = new Cached<>(set, now);
      }
      return set;
    }).recover(e -> j != null ? Future.succeededFuture(j.value()) : Future.failedFuture(e));
  }

  /** A JSON object by GET. */
  Future<JsonObject> getJson(URI url) {
    return web.getAbs(url.toString()).timeout(settings.timeout().toMillis()).putHeader("Accept", "application/json")
        .send().map(r -> json(r, url));
  }

  /** The token endpoint's answer to {@code form} (with {@code authorization}, or null), as JSON. */
  Future<HttpResponse<Buffer>> postForm(URI url, MultiMap form, String authorization) {
    var req = web.postAbs(url.toString()).timeout(settings.timeout().toMillis())
        .putHeader("Accept", "application/json");
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    return req.sendForm(form);
  }

  /** The userinfo endpoint's claims for {@code accessToken} (JSON; a signed userinfo answer is not supported). */
  Future<JsonObject> userinfo(URI url, String accessToken) {
    return web.getAbs(url.toString()).timeout(settings.timeout().toMillis()).putHeader("Accept", "application/json")
        .putHeader("Authorization", "Bearer " + accessToken).send().map(r -> json(r, url));
  }

  static JsonObject json(HttpResponse<Buffer> r, URI url) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url.getHost() + url.getPath() + " answered " + r.statusCode());
    }
    Buffer body = r.body();
    if (body == null || body.length() > MAX_BODY) {
      throw new IllegalStateException(url.getHost() + url.getPath() + " answered no body or one over " + MAX_BODY
          + " bytes");
    }
    try {
      return new JsonObject(body);
    } catch (RuntimeException e) {
      throw new IllegalStateException(url.getHost() + url.getPath() + " answered something that is not a JSON object");
    }
  }
}
