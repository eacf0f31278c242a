package eu.panosc.controlplane;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Istio resources that put a facility's services behind the PDP (issue 15, {@code panosc mesh istio}), built as
 * plain maps and written with snakeyaml (no Istio model library): the {@code meshConfig.extensionProviders} entry
 * naming the PDP's gRPC {@code Check} (inside an {@code IstioOperator}, so that every document is a resource), and
 * per service a {@code RequestAuthentication} (the aai-broker's issuer and JWKS, the service's audience) and an
 * {@code AuthorizationPolicy} (action {@code CUSTOM} with that provider, for the service's hosts, every path: the PDP
 * decides the public routes and denies unmatched ones itself).
 */
final class IstioResources {
  static final String ISTIO_OPERATOR = "install.istio.io/v1alpha1";
  static final String SECURITY = "security.istio.io/v1";

  private IstioResources() {}

  /** One approved resource server: its audience (a URL with a host) and its route rules as published. */
  record Service(String audience, List<Map<String, Object>> routeRules) {}

  /** Where the resources go and what they point at. */
  record Target(String namespace, Map<String, String> selector, String provider, String pdpService, int pdpPort,
      String timeout, String issuer, String jwksUri) {}

  /** The documents in order: the extension provider, then per service its RequestAuthentication and policy. */
  static List<Map<String, Object>> documents(String facility, List<Service> services, Target t) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> grpc = map("service", t.pdpService(), "port", t.pdpPort(), "timeout", t.timeout(),
        "failOpen", false);
    out.add(map("apiVersion", ISTIO_OPERATOR, "kind", "IstioOperator",
        "metadata", map("name", t.provider(), "namespace", "istio-system"),
        "spec", map("meshConfig", map("extensionProviders",
            List.of(map("name", t.provider(), "envoyExtAuthzGrpc", grpc))))));
    for (Service s : services) {
      URI u = URI.create(s.audience());
      String host = u.getHost().toLowerCase(Locale.ROOT);
      int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      List<String> hosts = u.getPort() > 0 ? List.of(host + ":" + port) : List.of(host, host + ":" + port);
      String name = name(host, u.getPort());
      Map<String, Object> selector = map("matchLabels", new LinkedHashMap<>(t.selector()));
      out.add(map("apiVersion", SECURITY, "kind", "RequestAuthentication", "metadata", metadata(name, t, facility, s),
          "spec", map("selector", selector, "jwtRules", List.of(map("issuer", t.issuer(), "jwksUri", t.jwksUri(),
              "audiences", List.of(s.audience()), "forwardOriginalToken", true)))));
      out.add(map("apiVersion", SECURITY, "kind", "AuthorizationPolicy", "metadata", metadata(name, t, facility, s),
          "spec", map("selector", selector, "action", "CUSTOM", "provider", map("name", t.provider()),
              "rules", List.of(map("to", List.of(map("operation", map("hosts", hosts))))))));
    }
    return out;
  }

  /** The documents as YAML, each after {@code ---}; a service's documents are preceded by comments on its rules. */
  static String yaml(String facility, List<Service> services, Target t) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndicatorIndent(0);
    options.setWidth(1000);
    Yaml yaml = new Yaml(options);
    List<Map<String, Object>> docs = documents(facility, services, t);
    StringBuilder sb = new StringBuilder("# panosc mesh istio --facility " + clean(facility)
        + ": the PDP as Istio's ext_authz provider, then per approved resource server a RequestAuthentication and a\n"
        + "# CUSTOM AuthorizationPolicy. Copy spec.meshConfig of the first document into istiod's mesh config.\n");
    for (int i = 0; i < docs.size(); i++) {
      sb.append("---\n");
      if (i > 0 && i % 2 == 1) {
        Service s = services.get((i - 1) / 2);
        sb.append("# ").append(clean(s.audience())).append(": ").append(s.routeRules().size())
            .append(" route rule(s), decided by the PDP (unmatched paths are denied)\n");
        for (Map<String, Object> r : s.routeRules()) {
          sb.append("#   ").append(clean(describe(r))).append('\n');
        }
      }
      sb.append(yaml.dump(docs.get(i)));
    }
    return sb.toString();
  }

  /** {@code GET,HEAD /path -> action type id}, or {@code ... -> public}. */
  static String describe(Map<String, Object> rule) {
    Object methods = rule.get("methods");
    String m = methods instanceof List<?> l && !l.isEmpty() ? String.join(",", l.stream().map(String::valueOf).toList())
        : "*";
    String to;
    if (Boolean.TRUE.equals(rule.get("public"))) {
      to = "public (no token, no decision)";
    } else {
      Object res = rule.get("resource");
      to = rule.get("action") + (res instanceof Map<?, ?> r ? " " + r.get("type") + " " + r.get("id") : "");
    }
    return m + " " + rule.get("path") + " -> " + to;
  }

  /**
   * A Kubernetes object name (DNS-1123 subdomain: lower-case letters, digits, {@code -} and {@code .}, at most 253,
   * starting and ending with a letter or digit) for a service's host: {@code panosc-<host>[-<port>]}; a longer one is
   * cut and given a hash of the whole so that two services never share a name.
   */
  static String name(String host, int explicitPort) {
    String raw = ("panosc-" + host + (explicitPort > 0 ? "-" + explicitPort : "")).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9.-]", "-").replaceAll("[.-]+$", "");
    if (raw.length() <= 253) {
      return raw;
    }
    return raw.substring(0, 240).replaceAll("[.-]+$", "") + "-" + sha(raw).substring(0, 12);
  }

  private static Map<String, Object> metadata(String name, Target t, String facility, Service s) {
    return map("name", name, "namespace", t.namespace(),
        "labels", map("app.kubernetes.io/managed-by", "panosc"),
        "annotations", map("panosc.eu/facility", facility, "panosc.eu/audience", s.audience()));
  }

  /** Text for a comment line: control characters replaced. */
  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  private static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An ordered map of key, value pairs. */
  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
