package eu.panosc.pdp.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.authzen.AuthzenDecisions;
import eu.panosc.pdp.authzen.AuthzenService;
import eu.panosc.pdp.authzen.PageTokens;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.Fixtures;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.pdp.subject.AaiSettings;
import eu.panosc.pdp.subject.PairwiseSubjects;
import eu.panosc.pdp.subject.SubjectResolver;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.InvalidTokenException;
import eu.panosc.platform.auth.SigningKeysUnavailableException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.mesh.RouteRule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward-auth's decisions and failure semantics as a table, over the engine's fixture world (the built-in
 * policy at {@link Fixtures#NOW}). Tokens are checked by a fake verifier: "user:&lt;id&gt;" is a valid token of
 * that user for the audience {@code https://scicat.esrf.example}, anything else fails as the platform's verifier
 * would.
 */
public class ExtAuthzServiceTest {
  public static final String AUD = "https://scicat.esrf.example";
  public static final MeshService SCICAT = new MeshService(AUD, "esrf", "scicat.esrf.example", List.of(
      RouteRule.parse("/r/0", List.of("GET"), "/api/v3/datasets/{pid+}", "read", "dataset", "{pid}", false),
      RouteRule.parse("/r/1", List.of(), "/api/v3/health", null, null, null, true),
      RouteRule.parse("/r/2", List.of("POST"), "/api/v3/publish/{pid+}", "publish", "dataset", "{pid}",
          false)));

  static final BiFunction<String, String, Future<AccessTokenPrincipal>> VERIFY = (token, audience) -> {
    if (token.equals("keys-down")) {
      return Future.failedFuture(new SigningKeysUnavailableException());
    }
    if (token.equals("says-keys-unavailable")) {
      // a bad token whose reason reads like the keys' outage is still a bad token (401), not a deny-and-retry
      return Future.failedFuture(new InvalidTokenException("signing keys unavailable"));
    }
    if (token.equals("boom")) {
      return Future.failedFuture(new IllegalStateException("unexpected"));
    }
    if (!token.startsWith("user:")) {
      return Future.failedFuture(new InvalidTokenException("malformed token"));
    }
    String[] parts = token.split(":");
    if (parts.length > 2 && !parts[2].equals("aud")) {
      return Future.failedFuture(new InvalidTokenException("wrong audience"));
    }
    Map<String, Object> claims = new HashMap<>();
    claims.put("voperson_id", parts[1]);
    return Future.succeededFuture(new AccessTokenPrincipal("pairwise-x", "scicat-esrf", Set.of(),
        Fixtures.NOW.plusSeconds(300), claims));
  };

  /** The service over the fixture world with {@link #VERIFY} (also the gRPC Check tests' backend). */
  public static ExtAuthzService service(RouteSource routes) {
    return service(routes, VERIFY);
  }

  public static ExtAuthzService service(RouteSource routes,
      BiFunction<String, String, Future<AccessTokenPrincipal>> verify) {
    Fixtures.World w = Fixtures.world();
    Clock clock = Clock.fixed(Fixtures.NOW, ZoneOffset.UTC);
    DatasetFilters filters = new DatasetFilters(w.engine(), w.cache(), w.registry(),
        new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of()), clock);
    AuthzenService authzen = new AuthzenService(w.engine(), w.cache(), w.registry(), filters, clock,
        new PageTokens(null));
    AaiSettings aai = AaiSettings.from(ConfigNode.empty("aai"), URI.create("http://issuer.example/aai"),
        URI.create("http://localhost"), false);
    PairwiseSubjects subjects = new PairwiseSubjects(new SubjectResolver(null, aai, clock, new SimpleMeterRegistry()));
    return new ExtAuthzService(routes, verify, new AuthzenDecisions(authzen, subjects,
        DecisionRecorder.disabled(clock)));
  }

  static final ExtAuthzService SERVICE = service(RouteSource.of(List.of(SCICAT)));

  static ExtAuthzOutcome check(ExtAuthzService s, String method, String path, String service, String host,
      String authorization) {
    return s.check(new ExtAuthzRequest(method, path, service, host, authorization, "req-1"))
        .toCompletionStage().toCompletableFuture().join();
  }

  /** method, path, service, host, Authorization, expected outcome (allow|deny|401), what the answer holds. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer user:pi@esrf | allow | pi@esrf",
      "GET  | /api/v3/datasets/esrf%2Fembargoed       | https://scicat.esrf.example | null | Bearer user:pi@esrf | allow | pi@esrf",
      "GET  | /api/v3/datasets/esrf/embargoed         | null | scicat.esrf.example          | bearer user:pi@esrf | allow | pi@esrf",
      "GET  | /api/v3/datasets/esrf/embargoed         | null | SCICAT.esrf.example:443      | Bearer user:pi@esrf | allow | pi@esrf",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer user:pi@ill  | deny  | until",
      "GET  | /api/v3/datasets/esrf/public            | https://scicat.esrf.example | null | Bearer user:nobody  | allow | nobody",
      "POST | /api/v3/publish/esrf/embargoed         | https://scicat.esrf.example | null | Bearer user:pi@esrf | allow | pi@esrf",
      "POST | /api/v3/publish/esrf/embargoed         | https://scicat.esrf.example | null | Bearer user:co@esrf | deny  | ",
      "GET  | /api/v3/datasets/esrf/unknown           | https://scicat.esrf.example | null | Bearer user:pi@esrf | deny  | ",
      "GET  | /api/v3/health                          | https://scicat.esrf.example | null | null                | allow | null",
      "GET  | /api/v3/health                          | https://scicat.esrf.example | null | Bearer garbage      | allow | null",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | null                | 401   | null",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Basic YTpi          | 401   | invalid_request",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer              | 401   | invalid_request",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer garbage      | 401   | invalid_token",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer user:pi@esrf:other | 401 | wrong audience",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer keys-down    | deny  | could not be checked",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer says-keys-unavailable | 401 | signing keys unavailable",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://scicat.esrf.example | null | Bearer boom         | deny  | could not be checked",
      "DELETE | /api/v3/datasets/esrf/embargoed       | https://scicat.esrf.example | null | Bearer user:pi@esrf | deny  | No access rule covers DELETE",
      "GET  | /api/v3/instruments                     | https://scicat.esrf.example | null | Bearer user:pi@esrf | deny  | No access rule",
      "GET  | /api/v3/datasets/esrf/../public         | https://scicat.esrf.example | null | Bearer user:pi@esrf | deny  | No access rule",
      "GET  | /api/v3/datasets/esrf/embargoed         | https://other.example       | null | Bearer user:pi@esrf | deny  | not registered",
      "GET  | /api/v3/datasets/esrf/embargoed         | null | other.example                | Bearer user:pi@esrf | deny  | not registered",
      "GET  | /api/v3/datasets/esrf/embargoed         | null | null                         | Bearer user:pi@esrf | deny  | not registered",
      "null | /api/v3/health                          | https://scicat.esrf.example | null | null                | deny  | could not be read",
      "GET  | null                                    | https://scicat.esrf.example | null | null                | deny  | could not be read",
  })
  void decides(String method, String path, String service, String host, String authorization, String outcome,
      String holds) {
    ExtAuthzOutcome o = check(SERVICE, method, path, service, host, authorization);
    switch (outcome) {
      case "allow" -> {
        assertThat(o).isInstanceOf(ExtAuthzOutcome.Allow.class);
        ExtAuthzOutcome.Allow a = (ExtAuthzOutcome.Allow) o;
        assertThat(a.subject()).isEqualTo(holds);
        if (holds != null) {
          assertThat(a.decisionId()).isNotBlank();
        }
      }
      case "deny" -> {
        assertThat(o).isInstanceOf(ExtAuthzOutcome.Deny.class);
        assertThat(((ExtAuthzOutcome.Deny) o).reason()).isNotBlank().contains(holds == null ? "" : holds);
      }
      default -> {
        assertThat(o).isInstanceOf(ExtAuthzOutcome.Unauthenticated.class);
        ExtAuthzOutcome.Unauthenticated u = (ExtAuthzOutcome.Unauthenticated) o;
        if (holds == null) {
          assertThat(u.error()).isNull();
        } else {
          assertThat(u.error() + " " + u.description()).contains(holds);
        }
      }
    }
  }

  @Test
  void routesUnknownWhenRegistryNeverAnsweredThenEveryRequestDeniedEvenPublic() {
    ExtAuthzService s = service(Optional::empty);
    ExtAuthzOutcome o = check(s, "GET", "/api/v3/health", AUD, null, null);
    assertThat(o).isInstanceOfSatisfying(ExtAuthzOutcome.Deny.class,
        d -> assertThat(d.reason()).contains("not available"));
  }

  @Test
  void registryAnswerWhenOneServerMalformedThenOnlyThatOneLeftOut() {
    List<MeshService> parsed = RegistryRoutes.parse(new JsonArray("""
        [{"audience":"https://a.example:8443","facility":"esrf","routeRules":[
           {"methods":["GET"],"path":"/x/{id}","action":"read","resource":{"type":"dataset","id":"{id}"},"public":false}]},
         {"audience":"https://b.example","routeRules":[{"path":"no-slash","public":true}]},
         {"audience":"https://c.example","routeRules":"nope"},
         {"facility":"esrf"},
         {"audience":"https://d.example"}]"""));
    assertThat(parsed).extracting(MeshService::audience).containsExactly("https://a.example:8443", "https://d.example");
    assertThat(parsed.get(0).host()).isEqualTo("a.example:8443");
    assertThat(parsed.get(0).rules()).hasSize(1);
    assertThat(parsed.get(1).rules()).isEmpty();
  }

  @Test
  void resourceIdLongerThanTheInputRuleThenDenied() {
    String longPid = "a/".repeat(300) + "b";
    ExtAuthzOutcome o = check(SERVICE, "GET", "/api/v3/datasets/" + longPid, AUD, null, "Bearer user:pi@esrf");
    assertThat(o).isInstanceOf(ExtAuthzOutcome.Deny.class);
  }
}
