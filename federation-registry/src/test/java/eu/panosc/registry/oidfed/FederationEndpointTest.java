package eu.panosc.registry.oidfed;

import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.platform.keys.InMemoryKeyStorage;
import eu.panosc.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FederationEndpointTest {
  private static final String RP = "openid_relying_party";
  private static final String SIRTFI = "https://refeds.org/sirtfi";

  private final MutableClock clock = new MutableClock(Instant.now().minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  private Vertx vertx;
  private HttpServer taServer;
  private HttpServer leafServer;
  private String ta;
  private String leafBase;
  private final Map<String, String> hosted = new ConcurrentHashMap<>();
  private final List<Subordinate> subordinates = new CopyOnWriteArrayList<>();
  private RotatingSigningKeys keys;
  private TrustChainResolver resolver;
  private TrustMarkIssuer trustMarks;
  private EntityStatements signer;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    leafServer = vertx.createHttpServer().requestHandler(req -> {
      String jwt = hosted.get(req.path());
      if (jwt == null) {
        req.response().setStatusCode(404).end();
      } else {
        req.response().putHeader("Content-Type", FederationMediaTypes.ENTITY_STATEMENT).end(jwt);
      }
    }).listen(0).await();
    leafBase = "http://localhost:" + leafServer.actualPort();

    int taPort = Http.freePort();
    ta = "http://localhost:" + taPort + "/registry";
    keys = RotatingSigningKeys.open(new InMemoryKeyStorage(), clock, Duration.ofDays(30), Duration.ofDays(7))
        .await();
    signer = new EntityStatements(keys);
    TrustAnchorSettings settings = new TrustAnchorSettings(ta, Duration.ofDays(1),
        new JsonObject().put("organization_name", "PaNOSC"), Set.of(SIRTFI));
    TrustAnchorStatements statements = new TrustAnchorStatements(settings, signer, keys, clock);
    SubordinateSource source = new SubordinateSource() {
      @Override
      public Future<List<Subordinate>> approved() {
        return Future.succeededFuture(List.copyOf(subordinates));
      }

      @Override
      public Future<Optional<Subordinate>> approved(String entityId) {
        return Future.succeededFuture(subordinates.stream().filter(s -> s.entityId().equals(entityId)).findFirst());
      }
    };
    EntityStatementFetcher fetcher = new EntityStatementFetcher(WebClient.create(vertx), Duration.ofSeconds(5),
        64 * 1024);
    resolver = new TrustChainResolver(statements, source, new ValueOnlyPolicyEngine(), fetcher, clock,
        Duration.ofSeconds(30), false);
    trustMarks = new TrustMarkIssuer(ta, signer, keys, new InMemoryTrustMarkStore(), clock);
    FederationService service = new FederationService(statements, source, resolver, trustMarks, signer, clock);

    Router registry = Router.router(vertx);
    new FederationEndpoint(service).mount(registry);
    registry.route().failureHandler(new FailureHandler());
    Router root = Router.router(vertx);
    root.route().handler(new RequestIds());
    root.route("/registry/*").subRouter(registry);
    taServer = vertx.createHttpServer().requestHandler(root).listen(taPort).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  // ---- fixtures

  private static ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(ECKey key, JsonObject claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
          .type(new JOSEObjectType(FederationMediaTypes.ENTITY_STATEMENT_TYP)).keyID(key.getKeyID()).build(),
          JWTClaimsSet.parse(claims.encode()));
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject jwks(ECKey key) {
    return new JsonObject(new JWKSet(key.toPublicJWK()).toJSONObject(true));
  }

  /** An entity configuration for {@code id}, valid for an hour, naming {@code hints}. */
  private JsonObject ecClaims(String id, ECKey key, List<String> hints) {
    long now = clock.instant().getEpochSecond();
    return new JsonObject().put("iss", id).put("sub", id).put("iat", now).put("exp", now + 3600)
        .put("jwks", jwks(key)).put("authority_hints", new JsonArray(hints))
        .put("metadata", new JsonObject().put(RP, new JsonObject().put("client_name", "Leaf RP")
            .put("redirect_uris", new JsonArray().add(id + "/cb"))));
  }

  private void host(String id, String jwt) {
    hosted.put(URI.create(id).getPath() + TrustAnchorSettings.WELL_KNOWN, jwt);
  }

  private Subordinate subordinate(String id, ECKey key, Set<String> types, boolean intermediate, boolean hosts,
      JsonObject policy, List<String> marks) {
    return new Subordinate(id, types, new JWKSet(key.toPublicJWK()),
        new JsonObject().put(RP, new JsonObject().put("client_name", "On file")), policy, new JsonObject(),
        intermediate, hosts, marks);
  }

  private HttpResponse<String> get(String pathAndQuery) {
    return Http.get(ta + pathAndQuery);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> resolve(String sub) {
    return get("/federation/resolve?sub=" + enc(sub) + "&trust_anchor=" + enc(ta));
  }

  private static void assertError(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("error_description")).isNotBlank();
  }

  private JWKSet taKeys() throws Exception {
    EntityStatement ec = EntityStatement.parse(get("/.well-known/openid-federation").body());
    return ec.jwks();
  }

  // ---- entity configuration, fetch, list

  @Test
  void entityConfigurationWhenFetchedThenSelfSignedByPublishedKeysWithEndpoints() throws Exception {
    HttpResponse<String> r = get("/.well-known/openid-federation");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(FederationMediaTypes.ENTITY_STATEMENT);
    EntityStatement ec = EntityStatement.parse(r.body());
    assertThat(ec.typ()).isEqualTo("entity-statement+jwt");
    assertThat(ec.iss()).isEqualTo(ta).isEqualTo(ec.sub());
    assertThat(ec.verifiesWith(ec.jwks())).isTrue();
    assertThat(ec.verifiesWith(keys.publishedKeys())).isTrue();
    assertThat(ec.jwks().getKeys()).noneMatch(k -> k.isPrivate());
    JsonObject fe = ec.metadata().getJsonObject("federation_entity");
    assertThat(fe.getString("federation_fetch_endpoint")).isEqualTo(ta + "/federation/fetch");
    assertThat(fe.getString("federation_list_endpoint")).isEqualTo(ta + "/federation/list");
    assertThat(fe.getString("federation_resolve_endpoint")).isEqualTo(ta + "/federation/resolve");
    assertThat(fe.getString("federation_trust_mark_status_endpoint")).isEqualTo(ta + "/federation/trust_mark_status");
    assertThat(fe.getString("federation_trust_mark_list_endpoint")).isEqualTo(ta + "/federation/trust_mark_list");
    assertThat(fe.getString("federation_trust_mark_endpoint")).isEqualTo(ta + "/federation/trust_mark");
    assertThat(ec.claims().getJsonObject("trust_mark_issuers").getJsonArray(SIRTFI)).containsExactly(ta);
  }

  @Test
  void fetchWhenSubUnknownThenNotFoundAndWhenMissingThenInvalidRequest() {
    assertError(get("/federation/fetch?sub=" + enc("https://unknown.example")), 404, "not_found");
    assertError(get("/federation/fetch"), 400, "invalid_request");
    assertError(get("/federation/fetch?sub=" + enc(ta)), 400, "invalid_request");
  }

  @Test
  void fetchWhenSubApprovedThenSubordinateStatementWithRegisteredKeys() throws Exception {
    ECKey key = newKey();
    String id = "https://rp.example.org";
    subordinates.add(subordinate(id, key, Set.of(RP), false, true, new JsonObject(), List.of()));

    HttpResponse<String> r = get("/federation/fetch?sub=" + enc(id));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(FederationMediaTypes.ENTITY_STATEMENT);
    EntityStatement ss = EntityStatement.parse(r.body());
    assertThat(ss.iss()).isEqualTo(ta);
    assertThat(ss.sub()).isEqualTo(id);
    assertThat(ss.jwks().getKeyByKeyId(key.getKeyID())).isNotNull();
    assertThat(ss.verifiesWith(taKeys())).isTrue();
  }

  @Test
  void listWhenFilteredThenOnlyMatchingSubordinates() {
    ECKey k = newKey();
    subordinates.add(subordinate("https://op.example.org", k, Set.of("openid_provider"), false, true, null, List.of(SIRTFI)));
    subordinates.add(subordinate("https://rp.example.org", k, Set.of(RP), false, true, null, List.of()));
    subordinates.add(subordinate("https://int.example.org", k, Set.of("federation_entity"), true, true, null,
        List.of("https://other/mark")));

    assertThat(new JsonArray(get("/federation/list").body())).hasSize(3);
    assertThat(get("/federation/list").headers().firstValue("Content-Type")).contains("application/json");
    assertThat(new JsonArray(get("/federation/list?entity_type=openid_provider").body()))
        .containsExactly("https://op.example.org");
    assertThat(new JsonArray(get("/federation/list?entity_type=openid_provider&entity_type=" + RP).body()))
        .containsExactly("https://op.example.org", "https://rp.example.org");
    assertThat(new JsonArray(get("/federation/list?intermediate=true").body()))
        .containsExactly("https://int.example.org");
    assertThat(new JsonArray(get("/federation/list?trust_marked=true").body()))
        .containsExactly("https://int.example.org", "https://op.example.org");
    assertThat(new JsonArray(get("/federation/list?trust_mark_type=" + enc(SIRTFI)).body()))
        .containsExactly("https://op.example.org");
    assertError(get("/federation/list?intermediate=maybe"), 400, "invalid_request");
  }

  // ---- resolve

  @Test
  void resolveWhenLeafHostsValidConfigurationThenSignedChainWithPolicyAppliedAndEarliestExp() throws Exception {
    ECKey key = newKey();
    String leaf = leafBase + "/leaf";
    JsonObject claims = ecClaims(leaf, key, List.of(ta));
    host(leaf, sign(key, claims));
    JsonObject policy = new JsonObject().put(RP, new JsonObject()
        .put("client_name", new JsonObject().put("value", "Leaf RP (PaNOSC)")));
    subordinates.add(subordinate(leaf, key, Set.of(RP), false, true, policy, List.of()));

    HttpResponse<String> r = resolve(leaf);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(FederationMediaTypes.RESOLVE_RESPONSE);
    EntityStatement response = EntityStatement.parse(r.body());
    assertThat(response.typ()).isEqualTo("resolve-response+jwt");
    assertThat(response.verifiesWith(taKeys())).isTrue();
    assertThat(response.iss()).isEqualTo(ta);
    assertThat(response.sub()).isEqualTo(leaf);
    List<EntityStatement> chain = new ArrayList<>();
    response.strings("trust_chain").forEach(s -> chain.add(EntityStatement.parse(s)));
    assertThat(chain).hasSize(3);
    assertThat(chain.get(0).iss()).isEqualTo(leaf).isEqualTo(chain.get(0).sub());
    assertThat(chain.get(1).iss()).isEqualTo(ta);
    assertThat(chain.get(1).sub()).isEqualTo(leaf);
    assertThat(chain.get(2).iss()).isEqualTo(ta).isEqualTo(chain.get(2).sub());
    JsonObject rp = response.metadata().getJsonObject(RP);
    assertThat(rp.getString("client_name")).isEqualTo("Leaf RP (PaNOSC)");
    assertThat(rp.getJsonArray("redirect_uris")).containsExactly(leaf + "/cb");
    assertThat(response.exp()).isEqualTo(Instant.ofEpochSecond(claims.getLong("exp")));
  }

  @Test
  void resolveWhenSubordinateHostsNoConfigurationThenRegistryMetadataAndTwoStatementChain() {
    String id = "https://rp.example.org";
    JsonObject policy = new JsonObject().put(RP, new JsonObject()
        .put("contacts", new JsonObject().put("value", new JsonArray().add("ops@panosc.eu"))));
    subordinates.add(subordinate(id, newKey(), Set.of(RP), false, false, policy, List.of()));

    HttpResponse<String> r = resolve(id);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    EntityStatement response = EntityStatement.parse(r.body());
    assertThat(response.strings("trust_chain")).hasSize(2);
    JsonObject rp = response.metadata().getJsonObject(RP);
    assertThat(rp.getString("client_name")).isEqualTo("On file");
    assertThat(rp.getJsonArray("contacts")).containsExactly("ops@panosc.eu");
    assertThat(response.exp()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
  }

  @Test
  void resolveWhenEntityTypeGivenThenOnlyThatType() {
    String id = "https://op.example.org";
    Subordinate s = new Subordinate(id, Set.of("openid_provider", "federation_entity"), new JWKSet(newKey().toPublicJWK()),
        new JsonObject().put("openid_provider", new JsonObject().put("issuer", id))
            .put("federation_entity", new JsonObject().put("organization_name", "Op")),
        null, null, false, false, List.of());
    subordinates.add(s);

    EntityStatement response = EntityStatement.parse(get("/federation/resolve?sub=" + enc(id) + "&trust_anchor="
        + enc(ta) + "&entity_type=openid_provider").body());

    assertThat(response.metadata().fieldNames()).containsExactly("openid_provider");
  }

  @Test
  void resolveWhenLeafSignsWithUnregisteredKeyThenInvalidTrustChain() {
    ECKey registered = newKey();
    ECKey other = newKey();
    String leaf = leafBase + "/leaf";
    host(leaf, sign(other, ecClaims(leaf, other, List.of(ta))));
    subordinates.add(subordinate(leaf, registered, Set.of(RP), false, true, null, List.of()));

    assertError(resolve(leaf), 400, "invalid_trust_chain");
  }

  @Test
  void resolveWhenLeafConfigurationExpiredThenInvalidTrustChain() {
    ECKey key = newKey();
    String leaf = leafBase + "/leaf";
    long now = clock.instant().getEpochSecond();
    host(leaf, sign(key, ecClaims(leaf, key, List.of(ta)).put("iat", now - 7200).put("exp", now - 3600)));
    subordinates.add(subordinate(leaf, key, Set.of(RP), false, true, null, List.of()));

    assertError(resolve(leaf), 400, "invalid_trust_chain");
  }

  @Test
  void resolveWhenLeafConfigurationHasUnknownCritThenInvalidTrustChain() {
    ECKey key = newKey();
    String leaf = leafBase + "/leaf";
    host(leaf, sign(key, ecClaims(leaf, key, List.of(ta)).put("jti_ext", "x")
        .put("crit", new JsonArray().add("jti_ext"))));
    subordinates.add(subordinate(leaf, key, Set.of(RP), false, true, null, List.of()));

    assertError(resolve(leaf), 400, "invalid_trust_chain");
  }

  @Test
  void resolveWhenAuthorityHintsLackTrustAnchorThenInvalidTrustChain() {
    ECKey key = newKey();
    String leaf = leafBase + "/leaf";
    host(leaf, sign(key, ecClaims(leaf, key, List.of("https://elsewhere.example"))));
    subordinates.add(subordinate(leaf, key, Set.of(RP), false, true, null, List.of()));

    assertError(resolve(leaf), 400, "invalid_trust_chain");
  }

  @Test
  void resolveWhenAuthorityHintsLoopThenInvalidTrustChain() {
    ECKey a = newKey();
    ECKey b = newKey();
    String entityA = leafBase + "/a";
    String entityB = leafBase + "/b";
    host(entityA, sign(a, ecClaims(entityA, a, List.of(entityB))));
    host(entityB, sign(b, ecClaims(entityB, b, List.of(entityA))));
    subordinates.add(subordinate("https://int.example.org", newKey(), Set.of("federation_entity"), true, true, null,
        List.of()));

    HttpResponse<String> r = resolve(entityA);

    assertError(r, 400, "invalid_trust_chain");
    assertThat(new JsonObject(r.body()).getString("error_description")).contains("loop");
  }

  @Test
  void resolveWhenTrustAnchorWrongOrSubUnknownThenSpecErrors() {
    String id = "https://rp.example.org";
    subordinates.add(subordinate(id, newKey(), Set.of(RP), false, false, null, List.of()));

    assertError(get("/federation/resolve?sub=" + enc(id) + "&trust_anchor=" + enc("https://other-ta.example")),
        404, "invalid_trust_anchor");
    assertError(get("/federation/resolve?sub=" + enc(id)), 400, "invalid_request");
    assertError(resolve("https://unknown.example.org"), 404, "invalid_subject");
  }

  @Test
  void resolveWhenCachedThenSameUntilInvalidated() {
    ECKey key = newKey();
    String leaf = leafBase + "/leaf";
    host(leaf, sign(key, ecClaims(leaf, key, List.of(ta))));
    subordinates.add(subordinate(leaf, key, Set.of(RP), false, true, null, List.of()));
    ResolvedChain first = resolver.resolve(leaf).await();
    host(leaf, sign(key, ecClaims(leaf, key, List.of(ta)).put("metadata", new JsonObject()
        .put(RP, new JsonObject().put("client_name", "Renamed")))));

    assertThat(resolver.resolve(leaf).await()).isSameAs(first);
    resolver.invalidate(leaf);
    assertThat(resolver.resolve(leaf).await().metadata().getJsonObject(RP).getString("client_name"))
        .isEqualTo("Renamed");
  }

  // ---- trust marks

  private HttpResponse<String> status(String trustMark) {
    return Http.send(HttpRequest.newBuilder(URI.create(ta + "/federation/trust_mark_status"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("trust_mark=" + enc(trustMark))).build());
  }

  private String statusOf(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(FederationMediaTypes.TRUST_MARK_STATUS_RESPONSE);
    EntityStatement s = EntityStatement.parse(r.body());
    assertThat(s.typ()).isEqualTo("trust-mark-status-response+jwt");
    assertThat(s.verifiesWith(taKeys())).isTrue();
    assertThat(s.iss()).isEqualTo(ta);
    return s.claims().getString("status");
  }

  @Test
  void trustMarkWhenIssuedThenVerifiesAndActiveAndWhenRevokedThenRevoked() throws Exception {
    String sub = "https://rp.example.org";
    var record = trustMarks.issue(sub, SIRTFI, Duration.ofDays(365), null, "https://refeds.org/sirtfi").await();

    HttpResponse<String> r = get("/federation/trust_mark?trust_mark_type=" + enc(SIRTFI) + "&sub=" + enc(sub));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(FederationMediaTypes.TRUST_MARK);
    EntityStatement mark = EntityStatement.parse(r.body());
    assertThat(mark.typ()).isEqualTo("trust-mark+jwt");
    assertThat(mark.verifiesWith(taKeys())).isTrue();
    assertThat(mark.iss()).isEqualTo(ta);
    assertThat(mark.sub()).isEqualTo(sub);
    assertThat(mark.claims().getString("trust_mark_type")).isEqualTo(SIRTFI);
    assertThat(new JsonArray(get("/federation/trust_mark_list?trust_mark_type=" + enc(SIRTFI)).body()))
        .containsExactly(sub);
    assertThat(statusOf(status(r.body()))).isEqualTo("active");

    trustMarks.revoke(record.id()).await();

    assertThat(statusOf(status(r.body()))).isEqualTo("revoked");
    assertThat(new JsonArray(get("/federation/trust_mark_list?trust_mark_type=" + enc(SIRTFI)).body())).isEmpty();
    assertError(get("/federation/trust_mark?trust_mark_type=" + enc(SIRTFI) + "&sub=" + enc(sub)), 404, "not_found");
  }

  @Test
  void trustMarkStatusWhenExpiredThenExpired() throws Exception {
    var record = trustMarks.issue("https://rp.example.org", SIRTFI, Duration.ofHours(1), null, null).await();
    clock.advance(Duration.ofHours(2));

    assertThat(statusOf(status(record.jwt()))).isEqualTo("expired");
  }

  @Test
  void trustMarkStatusWhenUnknownThenNotFoundAndWhenForgedThenInvalid() throws Exception {
    long now = clock.instant().getEpochSecond();
    JsonObject claims = new JsonObject().put("iss", ta).put("sub", "https://rp.example.org")
        .put("trust_mark_type", SIRTFI).put("iat", now);
    String unknown = signer.sign(FederationMediaTypes.TRUST_MARK_TYP, claims);
    ECKey forger = newKey();
    String forged = sign(forger, claims);

    assertError(status(unknown), 404, "not_found");
    assertThat(statusOf(status(forged))).isEqualTo("invalid");
    assertError(status("not-a-jwt"), 400, "invalid_request");
    assertError(get("/federation/trust_mark_list"), 400, "invalid_request");
  }
}
