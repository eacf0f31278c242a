package eu.panosc.controlplane;

import static eu.panosc.controlplane.Cli.panosc;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.controlplane.Cli.Run;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code panosc mesh istio} against a running registry and aai-broker in demo mode: resource servers with route rules
 * registered and approved over the registry's admin API (one ESRF server left pending, one of ILL), read back by the
 * command with the demo client pdp-admin (scope registry:read); its output parsed back with snakeyaml, document by
 * document and field by field. Istio itself does not run here.
 */
@SuppressWarnings("unchecked")
class PanoscMeshIstioIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static final String SCICAT = "https://scicat.esrf.example";
  static final String ICAT = "https://icat.esrf.example:8443";

  @BeforeAll
  static void start() throws Exception {
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication()), true,
        Map.of(), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    String admin = clientToken("registry-admin", "registry:admin");
    register(admin, SCICAT, "esrf", """
        [{"methods":["GET","HEAD"],"path":"/api/v3/datasets/{pid+}","action":"read",
          "resource":{"type":"dataset","id":"{pid}"}},
         {"methods":["GET"],"path":"/api/v3/health","public":true}]""", true);
    register(admin, ICAT, "esrf", "[]", true);
    register(admin, "https://pending.esrf.example", "esrf", "[]", false);
    register(admin, "https://icat.ill.example", "ill", "[]", true);
  }

  static void register(String admin, String audience, String facility, String rules, boolean approve) {
    var created = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers", admin, new JsonObject()
        .put("audience", audience).put("facility", facility).put("routeRules", new JsonArray(rules)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    if (approve) {
      var approved = Http.sendJson("POST", base + "/registry/admin/v1/resource-servers/"
          + URLEncoder.encode(audience, StandardCharsets.UTF_8) + "/approve", admin, "{}");
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    }
  }

  static String clientToken(String client, String scope) {
    return PanoscProcess.demoClientToken(base, client, scope);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static Run istio(String... extra) {
    List<String> args = new ArrayList<>(List.of("mesh", "istio", "--url", base, "--client", "pdp-admin",
        "--client-secret", "pdp-admin-demo-secret"));
    args.addAll(List.of(extra));
    return panosc(args.toArray(String[]::new));
  }

  static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Yaml().loadAll(yaml).forEach(d -> docs.add((Map<String, Object>) d));
    return docs;
  }

  static Map<String, Object> at(Map<String, Object> m, String... path) {
    Object v = m;
    for (String p : path) {
      v = ((Map<String, Object>) v).get(p);
    }
    return (Map<String, Object>) v;
  }

  @Test
  void istioWhenTheFacilityHasApprovedServicesThenProviderAndPerServiceAuthenticationAndCustomPolicy() {
    Run run = istio("--facility", "esrf", "--provider", "panosc-authz", "--pdp-service",
        "pdp.panosc.svc.cluster.local", "--pdp-port", "9191");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).as("nothing secret or alarming on stderr").doesNotContain("pdp-admin-demo-secret");
    assertThat(run.out()).doesNotContain("pdp-admin-demo-secret");
    List<Map<String, Object>> docs = documents(run.out());
    assertThat(docs).hasSize(5);  // provider + 2 approved ESRF services x 2 (not the pending one, not ILL's)
    assertThat(docs).allSatisfy(d -> {
      assertThat(d).containsKeys("apiVersion", "kind", "metadata");
      assertThat(at(d, "metadata")).containsKey("name");
    });

    Map<String, Object> op = docs.get(0);
    assertThat(op).containsEntry("apiVersion", "install.istio.io/v1alpha1").containsEntry("kind", "IstioOperator");
    List<Map<String, Object>> providers = (List<Map<String, Object>>) at(op, "spec", "meshConfig")
        .get("extensionProviders");
    assertThat(providers).hasSize(1);
    assertThat(providers.get(0)).containsEntry("name", "panosc-authz");
    Map<String, Object> grpc = (Map<String, Object>) providers.get(0).get("envoyExtAuthzGrpc");
    assertThat(grpc).containsEntry("service", "pdp.panosc.svc.cluster.local").containsEntry("port", 9191)
        .containsEntry("timeout", "1s").containsEntry("failOpen", false);

    String issuer = base + "/aai";
    // sorted by audience: https://icat... before https://scicat...
    Map<String, Object> ra = docs.get(3);
    assertThat(ra).containsEntry("apiVersion", "security.istio.io/v1").containsEntry("kind", "RequestAuthentication");
    assertThat(at(ra, "metadata")).containsEntry("name", "panosc-scicat.esrf.example")
        .containsEntry("namespace", "istio-system");
    assertThat(at(ra, "metadata", "annotations")).containsEntry("panosc.eu/facility", "esrf")
        .containsEntry("panosc.eu/audience", SCICAT);
    assertThat(at(ra, "spec", "selector", "matchLabels")).isEqualTo(Map.of("istio", "ingressgateway"));
    List<Map<String, Object>> jwtRules = (List<Map<String, Object>>) at(ra, "spec").get("jwtRules");
    assertThat(jwtRules).hasSize(1);
    assertThat(jwtRules.get(0)).containsEntry("issuer", issuer).containsEntry("jwksUri", issuer + "/jwks")
        .containsEntry("audiences", List.of(SCICAT)).containsEntry("forwardOriginalToken", true);

    Map<String, Object> ap = docs.get(4);
    assertThat(ap).containsEntry("apiVersion", "security.istio.io/v1").containsEntry("kind", "AuthorizationPolicy");
    assertThat(at(ap, "metadata")).containsEntry("name", "panosc-scicat.esrf.example");
    assertThat(at(ap, "spec")).containsEntry("action", "CUSTOM");
    assertThat(at(ap, "spec", "provider")).containsEntry("name", "panosc-authz");
    List<Map<String, Object>> rules = (List<Map<String, Object>>) at(ap, "spec").get("rules");
    Map<String, Object> operation = (Map<String, Object>) ((List<Map<String, Object>>) rules.get(0).get("to")).get(0)
        .get("operation");
    assertThat(operation).as("every path of the service's hosts: the PDP decides public and unmatched routes")
        .containsOnlyKeys("hosts");
    assertThat((List<String>) operation.get("hosts")).containsExactly("scicat.esrf.example", "scicat.esrf.example:443");
    assertThat(run.out()).contains("#   GET,HEAD /api/v3/datasets/{pid+} -> read dataset {pid}")
        .contains("#   GET /api/v3/health -> public");

    Map<String, Object> icat = docs.get(2);
    assertThat(at(icat, "metadata")).containsEntry("name", "panosc-icat.esrf.example-8443");
    Map<String, Object> icatOp = (Map<String, Object>) ((List<Map<String, Object>>) ((List<Map<String, Object>>)
        at(icat, "spec").get("rules")).get(0).get("to")).get(0).get("operation");
    assertThat((List<String>) icatOp.get("hosts")).containsExactly("icat.esrf.example:8443");
  }

  @Test
  void istioWhenNamespaceAndSelectorGivenThenTheyAreUsed() {
    Run run = istio("--facility", "ill", "--namespace", "facility-gw", "--selector", "app=gateway,tier=edge");
    assertThat(run.exit()).as(run.err()).isZero();
    List<Map<String, Object>> docs = documents(run.out());
    assertThat(docs).hasSize(3);
    assertThat(at(docs.get(1), "metadata")).containsEntry("namespace", "facility-gw");
    assertThat(at(docs.get(2), "spec", "selector", "matchLabels")).isEqualTo(Map.of("app", "gateway", "tier", "edge"));
    assertThat(at(docs.get(1), "metadata", "annotations")).containsEntry("panosc.eu/audience",
        "https://icat.ill.example");
  }

  @Test
  void istioWhenTheFacilityHasNoApprovedServiceThenOnlyTheProviderAndANote() {
    Run run = istio("--facility", "ess");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(documents(run.out())).extracting(d -> d.get("kind")).containsExactly("IstioOperator");
    assertThat(run.err()).contains("facility ess has no approved resource server");
  }

  @Test
  void istioWhenTheFacilityIsUnknownThenAClearErrorAndExit2() {
    Run run = istio("--facility", "nowhere");
    assertThat(run.exit()).isEqualTo(MeshCommand.EXIT_BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("panosc: unknown facility nowhere").contains("no approved facility");
  }

  @Test
  void istioWhenOptionsAreBadThenRefusedBeforeAnyRequest() {
    assertThat(panosc("mesh", "istio", "--facility", "es\u0001rf", "--url", "http://127.0.0.1:1", "--token", "t"))
        .satisfies(r -> {
          assertThat(r.exit()).isEqualTo(MeshCommand.EXIT_BAD_INPUT);
          assertThat(r.err()).contains("--facility");
        });
    assertThat(istio("--facility", "esrf", "--namespace", "Bad_NS").err()).contains("--namespace must be");
    assertThat(istio("--facility", "esrf", "--timeout", "soon").exit()).isEqualTo(MeshCommand.EXIT_BAD_INPUT);
    assertThat(istio("--facility", "esrf", "--pdp-port", "70000").exit()).isEqualTo(MeshCommand.EXIT_BAD_INPUT);
    Run missing = panosc("mesh", "istio", "--url", base, "--token", "t");
    assertThat(missing.exit()).as("picocli's usage error").isEqualTo(2);
    assertThat(missing.err()).contains("--facility");
  }

  @Test
  void istioWhenTheTokenIsMissingOrRefusedThenExit3() {
    Run none = panosc("mesh", "istio", "--facility", "esrf", "--url", base);
    assertThat(none.exit()).isEqualTo(MeshCommand.EXIT_UNAUTHORIZED);
    assertThat(none.err()).contains("no token").contains("registry:read");
    Run bad = panosc("mesh", "istio", "--facility", "esrf", "--url", base, "--token", "not-a-token");
    assertThat(bad.exit()).isEqualTo(MeshCommand.EXIT_UNAUTHORIZED);
    assertThat(bad.err()).contains("the registry refused").doesNotContain("not-a-token");
    Run wrongSecret = panosc("mesh", "istio", "--facility", "esrf", "--url", base, "--client", "pdp-admin",
        "--client-secret", "zz-not-the-secret");
    assertThat(wrongSecret.exit()).isEqualTo(MeshCommand.EXIT_UNAUTHORIZED);
    assertThat(wrongSecret.err()).contains("the token endpoint refused client pdp-admin")
        .doesNotContain("zz-not-the-secret");
  }

  @Test
  void istioWhenTheRegistryIsDownThenAClearErrorAndExit1() {
    int port = Http.freePort();
    Run run = istio("--facility", "esrf", "--registry-url", "http://127.0.0.1:" + port + "/registry");
    assertThat(run.exit()).isEqualTo(MeshCommand.EXIT_FAILED);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("cannot reach").contains("127.0.0.1:" + port + "/registry");
    Run all = panosc("mesh", "istio", "--facility", "esrf", "--url", "http://127.0.0.1:" + port, "--token", "t");
    assertThat(all.exit()).isEqualTo(MeshCommand.EXIT_FAILED);
    assertThat(all.err()).contains("cannot reach the control plane at http://127.0.0.1:" + port);
  }
}
