package eu.panosc.benchmarks.registry;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.registry.oidfed.EntityStatementFetcher;
import eu.panosc.registry.oidfed.EntityStatements;
import eu.panosc.registry.oidfed.FederationMediaTypes;
import eu.panosc.registry.oidfed.FederationService;
import eu.panosc.platform.keys.InMemoryKeyStorage;
import eu.panosc.registry.oidfed.InMemoryTrustMarkStore;
import eu.panosc.registry.oidfed.MetadataPolicyEngine;
import eu.panosc.registry.oidfed.ResolveRequest;
import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.registry.oidfed.Subordinate;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustAnchorSettings;
import eu.panosc.registry.oidfed.TrustAnchorStatements;
import eu.panosc.registry.oidfed.TrustChainResolver;
import eu.panosc.registry.oidfed.TrustMarkIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenID Federation resolve ({@link FederationService#resolve}) served from {@link TrustChainResolver}'s
 * cache: {@code subjects} approved subordinates that host no entity configuration (their metadata is on
 * file), each with one SIRTFI Trust Mark, all resolved once in setup; calls cycle through them.
 * In-memory {@link SubordinateSource}, {@link InMemoryKeyStorage}, {@link InMemoryTrustMarkStore} and a
 * pass-through {@link MetadataPolicyEngine}; no network (the fetcher is never used for such subjects).
 *
 * <ul>
 *   <li>{@link #cachedResolve}: cache hit, trust marks listed, resolve response signed (ES256).</li>
 *   <li>Peer, {@link #peerUncachedResolve}: the same call after {@link TrustChainResolver#invalidateAll}, so
 *       the chain is built again (two statements signed, parsed, checked). Report
 *       {@code cachedResolve / peerUncachedResolve}.</li>
 *   <li>Floor, {@link #floorSignOnly}: only the ES256 signature of a resolve response of the same size,
 *       what any cached resolve still pays.</li>
 * </ul>
 *
 * <p>Every call checks that a compact JWS with the expected header came back; after every iteration the
 * last one is verified with the trust anchor's published keys and its {@code sub}, {@code metadata} and
 * {@code trust_chain} checked. Mode SampleTime for p99. The class is not {@code final}: JMH subclasses it.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8.3">OpenID Federation 1.0 §8.3, Resolve Entity</a>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class CachedResolveBenchmark {
  static final String TA = "https://registry.panosc.example";
  static final String RP = "openid_relying_party";
  static final String SIRTFI = "https://refeds.org/sirtfi";

  @Param("100")
  public int subjects;

  private Vertx vertx;
  private RotatingSigningKeys keys;
  private TrustChainResolver resolver;
  private FederationService service;
  private EntityStatements signer;
  private List<ResolveRequest> requests;
  private JsonObject sampleClaims;
  private String headerPrefix;
  private int cursor;
  private String lastJwt;
  private String lastSub;

  /** Metadata policies are not what is measured: combining yields nothing, applying copies. */
  static final class PassThroughPolicies implements MetadataPolicyEngine {
    @Override
    public JsonObject combineAll(List<JsonObject> policies) {
      return new JsonObject();
    }

    @Override
    public JsonObject apply(JsonObject policy, JsonObject metadata) {
      return metadata.copy();
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    vertx = Vertx.vertx();
    keys = done(RotatingSigningKeys.open(new InMemoryKeyStorage(), clock, Duration.ofDays(30), Duration.ofDays(7)));
    signer = new EntityStatements(keys);
    TrustAnchorSettings settings = new TrustAnchorSettings(TA, Duration.ofDays(1),
        new JsonObject().put("organization_name", "PaNOSC"), Set.of(SIRTFI));
    TrustAnchorStatements statements = new TrustAnchorStatements(settings, signer, keys, clock);
    Map<String, Subordinate> approved = new ConcurrentHashMap<>();
    requests = new ArrayList<>();
    for (int i = 0; i < subjects; i++) {
      String id = "https://rp" + i + ".facility.example";
      ECKey key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
      JsonObject metadata = new JsonObject()
          .put(RP, new JsonObject().put("client_name", "Facility portal " + i)
              .put("redirect_uris", new JsonArray().add(id + "/cb").add(id + "/oidc/callback"))
              .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
              .put("response_types", new JsonArray().add("code"))
              .put("token_endpoint_auth_method", "private_key_jwt")
              .put("jwks_uri", id + "/jwks.json"))
          .put("federation_entity", new JsonObject().put("organization_name", "Facility " + i));
      approved.put(id, new Subordinate(id, Set.of(RP), new JWKSet(key.toPublicJWK()), metadata, null, null,
          false, false, List.of(SIRTFI)));
      requests.add(new ResolveRequest(id, List.of(TA), Set.of()));
    }
    SubordinateSource source = new SubordinateSource() {
      @Override
      public Future<List<Subordinate>> approved() {
        return Future.succeededFuture(List.copyOf(approved.values()));
      }

      @Override
      public Future<Optional<Subordinate>> approved(String entityId) {
        return Future.succeededFuture(Optional.ofNullable(approved.get(entityId)));
      }
    };
    EntityStatementFetcher fetcher = new EntityStatementFetcher(WebClient.create(vertx), Duration.ofSeconds(5), 64 * 1024);
    resolver = new TrustChainResolver(statements, source, new PassThroughPolicies(), fetcher, clock,
        Duration.ofSeconds(30), true);
    TrustMarkIssuer trustMarks = new TrustMarkIssuer(TA, signer, keys, new InMemoryTrustMarkStore(), clock);
    service = new FederationService(statements, source, resolver, trustMarks, signer, clock);
    for (ResolveRequest r : requests) {
      done(trustMarks.issue(r.sub(), SIRTFI, Duration.ofDays(30), null, null));
    }
    for (ResolveRequest r : requests) {
      lastJwt = done(service.resolve(r));
      lastSub = r.sub();
      verifyFully();
    }
    headerPrefix = lastJwt.substring(0, lastJwt.indexOf('.') + 1);
    SignedJWT sample = SignedJWT.parse(lastJwt);
    sampleClaims = new JsonObject(sample.getJWTClaimsSet().toJSONObject());
    lastJwt = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (vertx != null) {
      vertx.close();
    }
  }

  /** Verifies the last response of the iteration with the published keys and checks its content. */
  @TearDown(Level.Iteration)
  public void verifyLast() throws Exception {
    if (lastJwt != null) {
      verifyFully();
      lastJwt = null;
    }
  }

  private void verifyFully() throws Exception {
    SignedJWT jwt = SignedJWT.parse(lastJwt);
    JWK key = keys.publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
    if (key == null || !jwt.verify(new ECDSAVerifier(key.toECKey()))) {
      throw new IllegalStateException("resolve response does not verify with the trust anchor's keys");
    }
    JsonObject claims = new JsonObject(jwt.getJWTClaimsSet().toJSONObject());
    if (!FederationMediaTypes.RESOLVE_RESPONSE_TYP.equals(jwt.getHeader().getType().getType())
        || !TA.equals(claims.getString("iss")) || !lastSub.equals(claims.getString("sub"))
        || claims.getJsonObject("metadata").getJsonObject(RP) == null
        || claims.getJsonArray("trust_chain").size() != 2
        || claims.getJsonArray("trust_marks") == null || claims.getJsonArray("trust_marks").size() != 1) {
      throw new IllegalStateException("unexpected resolve response for " + lastSub + ": " + claims.encode());
    }
  }

  @Benchmark
  public String cachedResolve() {
    return call();
  }

  @Benchmark
  public String peerUncachedResolve() {
    resolver.invalidateAll();
    return call();
  }

  @Benchmark
  public String floorSignOnly() {
    return check(signer.sign(FederationMediaTypes.RESOLVE_RESPONSE_TYP, sampleClaims));
  }

  private String call() {
    ResolveRequest request = requests.get(cursor);
    cursor = cursor + 1 == requests.size() ? 0 : cursor + 1;
    String jwt = check(done(service.resolve(request)));
    lastJwt = jwt;
    lastSub = request.sub();
    return jwt;
  }

  /** Cheap check: the expected protected header, a payload and a signature. */
  private String check(String jwt) {
    int first = jwt == null ? -1 : jwt.indexOf('.');
    int second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
    if (first < 0 || !jwt.startsWith(headerPrefix) || second <= first + 1 || second == jwt.length() - 1
        || jwt.indexOf('.', second + 1) >= 0) {
      throw new IllegalStateException("resolve did not return a compact JWS with the expected header: " + jwt);
    }
    return jwt;
  }

  /** The futures here complete synchronously (in-memory stores); anything else is a failure. */
  static <T> T done(Future<T> future) {
    if (!future.isComplete()) {
      throw new IllegalStateException("expected a completed future");
    }
    if (future.failed()) {
      throw new IllegalStateException("resolve failed: " + future.cause(), future.cause());
    }
    return future.result();
  }
}
