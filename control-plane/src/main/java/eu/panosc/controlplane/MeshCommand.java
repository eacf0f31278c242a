package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import eu.panosc.controlplane.ControlPlaneHttp.Refused;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code panosc mesh}: configuration for service meshes that put facility services behind the PDP (issue 15). */
@Command(name = "mesh", mixinStandardHelpOptions = true,
    description = "Service-mesh configuration for facility services behind the PDP.",
    subcommands = {MeshCommand.Istio.class})
final class MeshCommand {
  static final int EXIT_FAILED = 1;
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_UNAUTHORIZED = ControlPlaneHttp.EXIT_UNAUTHORIZED;
  static final String SCOPE = "registry:read";

  /**
   * {@code panosc mesh istio --facility <id>}: reads the facility's approved resource servers and their route rules
   * from the registry ({@code GET /registry/v1/facilities/<id>} to know the facility, {@code /v1/resource-servers};
   * scope {@code registry:read}), the issuer and JWKS from the aai-broker's discovery document, and prints the Istio
   * resources of {@link IstioResources}. Exit codes: 0 done, 1 unreachable or failed, 2 bad input or unknown facility,
   * 3 not authorized.
   */
  @Command(name = "istio", mixinStandardHelpOptions = true,
      description = "Print Istio RequestAuthentication and CUSTOM AuthorizationPolicy resources for a facility's "
          + "services, and the meshConfig extension provider of the PDP's ext_authz Check. Exit codes: 0 done, "
          + "1 unreachable or failed, 2 bad input or unknown facility, 3 not authorized.")
  static final class Istio implements Callable<Integer> {
    @Option(names = "--facility", required = true, paramLabel = "ID", description = "The facility's registry id.")
    String facility;

    @picocli.CommandLine.Mixin
    Credentials credentials = new Credentials();

    @Option(names = "--registry-url", paramLabel = "URL", description = "The registry (default: <url>/registry).")
    String registryUrl;

    @Option(names = "--issuer", paramLabel = "URL",
        description = "The tokens' issuer (default: from <url>/aai/.well-known/openid-configuration).")
    String issuer;

    @Option(names = "--jwks-uri", paramLabel = "URL",
        description = "The issuer's JWKS (default: from <url>/aai/.well-known/openid-configuration).")
    String jwksUri;

    @Option(names = "--provider", defaultValue = "panosc-ext-authz",
        description = "Name of the ext_authz extension provider in Istio's mesh config (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--namespace", defaultValue = "istio-system",
        description = "Namespace of the policies: the gateway's, or istio-system for the whole mesh "
            + "(default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--selector", paramLabel = "KEY=VALUE", split = ",",
        description = "Workload labels the policies apply to (default: istio=ingressgateway).")
    Map<String, String> selector = new LinkedHashMap<>();

    @Option(names = "--pdp-service", defaultValue = "panosc-pdp.panosc.svc.cluster.local",
        description = "Host of the PDP's gRPC Check as Istio reaches it (default: ${DEFAULT-VALUE}).")
    String pdpService;

    @Option(names = "--pdp-port", defaultValue = "9191",
        description = "Port of the PDP's gRPC Check, services.pdp.mesh.grpc.port (default: ${DEFAULT-VALUE}).")
    int pdpPort;

    @Option(names = "--timeout", defaultValue = "1s",
        description = "Istio's timeout for a Check (default: ${DEFAULT-VALUE}; Envoy's 200 ms causes spurious "
            + "denials).")
    String timeout;

    @Spec
    CommandSpec spec;

    /** Environment lookups, replaceable in tests. */
    java.util.function.Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        String out = run(err);
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (Refused e) {
        return fail(err, e.getMessage(), e.exit);
      } catch (Failure e) {
        return fail(err, e.getMessage(), EXIT_FAILED);
      }
    }

    private static int fail(PrintWriter err, String message, int exit) {
      err.println("panosc: " + message.replaceAll("[\\r\\n]+", " "));
      err.flush();
      return exit;
    }

    String run(PrintWriter err) throws Failure, Refused {
      String id = checkInput();
      ControlPlaneHttp http = new ControlPlaneHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build(), credentials.url, "panosc up");
      String registry = (registryUrl != null ? registryUrl : http.base() + "/registry").replaceAll("/+$", "");
      ControlPlaneHttp reg = new ControlPlaneHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build(), registry, "panosc serve registry");
      String[] keys = issuerAndJwks(http);
      String bearer = credentials.bearer(http, env, SCOPE);
      HttpResponse<String> f = get(reg, registry + "/v1/facilities/" + ControlPlaneHttp.enc(id).replace("+", "%20"),
          bearer);
      if (f.statusCode() == 404) {
        throw new Refused(EXIT_BAD_INPUT, "unknown facility " + id + ": the registry at " + registry
            + " has no approved facility with this id");
      }
      check(f, "facility " + id);
      HttpResponse<String> r = get(reg, registry + "/v1/resource-servers", bearer);
      check(r, "the resource servers");
      JsonArray items;
      try {
        items = new JsonObject(r.body()).getJsonArray("items");
      } catch (RuntimeException e) {
        items = null;
      }
      if (items == null) {
        throw new Failure("the registry's resource servers are not the expected JSON ({\"items\": [...]})");
      }
      List<IstioResources.Service> services = new ArrayList<>();
      for (Object o : items) {
        if (!(o instanceof JsonObject m) || !id.equals(m.getString("facility"))) {
          continue;
        }
        String audience = m.getString("audience");
        URI u = audience == null ? null : parse(audience);
        if (u == null || u.getHost() == null
            || !("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))) {
          err.println("panosc: left out resource server " + String.valueOf(audience).replaceAll("\\p{Cntrl}", "?")
              + ": its audience is not an http(s) URL with a host, so no Istio host can match it");
          continue;
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        m.getJsonArray("routeRules", new JsonArray()).forEach(x -> {
          if (x instanceof JsonObject rule) {
            rules.add(rule.getMap());
          }
        });
        services.add(new IstioResources.Service(audience, rules));
      }
      services.sort(java.util.Comparator.comparing(IstioResources.Service::audience));  // stable output for diffs
      if (services.isEmpty()) {
        err.println("panosc: facility " + id + " has no approved resource server with an http(s) audience: only the"
            + " extension provider is printed");
      }
      err.flush();
      Map<String, String> labels = selector.isEmpty() ? Map.of("istio", "ingressgateway") : selector;
      return IstioResources.yaml(id, services, new IstioResources.Target(namespace, labels, provider, pdpService,
          pdpPort, timeout, keys[0], keys[1]));
    }

    /** Checks the options before anything is asked; the facility id as given. */
    private String checkInput() throws Refused {
      try {
        String id = Input.id("--facility", facility, 256);
        Input.id("--provider", provider, 253);
        Input.id("--namespace", namespace, 63);
        Input.id("--pdp-service", pdpService, 253);
        for (Map.Entry<String, String> e : selector.entrySet()) {
          Input.id("--selector", e.getKey(), 317);
          Input.text("--selector", e.getValue(), 63, false);
        }
        if (!namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
          throw new Refused(EXIT_BAD_INPUT, "--namespace must be a Kubernetes namespace name (lower-case letters, "
              + "digits and -): " + namespace);
        }
        if (!provider.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
          throw new Refused(EXIT_BAD_INPUT, "--provider must be letters, digits, ., _ and -: " + provider);
        }
        if (pdpPort < 1 || pdpPort > 65535) {
          throw new Refused(EXIT_BAD_INPUT, "--pdp-port must be 1 to 65535: " + pdpPort);
        }
        if (!timeout.matches("[0-9]{1,6}(\\.[0-9]{1,9})?(ms|s|m|h)")) {
          throw new Refused(EXIT_BAD_INPUT, "--timeout must be a duration such as 1s or 500ms: " + timeout);
        }
        return id;
      } catch (InvalidInputException e) {
        throw new Refused(EXIT_BAD_INPUT, e.getMessage());
      }
    }

    /** The issuer and JWKS URL: as given, else from the aai-broker's discovery document. */
    private String[] issuerAndJwks(ControlPlaneHttp http) throws Failure, Refused {
      if (issuer != null && jwksUri != null) {
        return new String[] {issuer, jwksUri};
      }
      String where = http.aai() + "/.well-known/openid-configuration";
      HttpResponse<String> r = get(http, where, null);
      JsonObject doc;
      try {
        doc = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
      } catch (RuntimeException e) {
        doc = null;
      }
      if (doc == null || !(doc.getValue("issuer") instanceof String iss)
          || !(doc.getValue("jwks_uri") instanceof String jwks)) {
        throw new Failure("no issuer and jwks_uri at " + where + " (HTTP " + r.statusCode()
            + "); give --issuer and --jwks-uri");
      }
      return new String[] {issuer != null ? issuer : iss, jwksUri != null ? jwksUri : jwks};
    }

    private static HttpResponse<String> get(ControlPlaneHttp http, String target, String bearer) throws Failure {
      HttpRequest.Builder b;
      try {
        b = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30)).header("Accept",
            "application/json").GET();
      } catch (IllegalArgumentException e) {
        throw new Failure("not a usable URL: " + target);
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      return http.send(b.build());
    }

    /** A non-200 answer of the registry as a refusal with its exit code and the problem's text. */
    private static void check(HttpResponse<String> r, String what) throws Refused {
      if (r.statusCode() == 200) {
        return;
      }
      String text;
      try {
        JsonObject p = new JsonObject(r.body());
        text = p.getString("title", "HTTP " + r.statusCode()) + (p.getString("detail") != null ? ": "
            + p.getString("detail") : "");
      } catch (RuntimeException e) {
        text = "HTTP " + r.statusCode();
      }
      int exit = r.statusCode() == 401 || r.statusCode() == 403 ? EXIT_UNAUTHORIZED : EXIT_FAILED;
      String hint = r.statusCode() == 401 ? " (is the token valid and meant for this registry?)"
          : r.statusCode() == 403 ? " (the token needs scope " + SCOPE + ")" : "";
      throw new Refused(exit, "the registry refused to list " + what + ": " + text + hint);
    }

    private static URI parse(String s) {
      try {
        return new URI(s);
      } catch (java.net.URISyntaxException e) {
        return null;
      }
    }
  }
}
