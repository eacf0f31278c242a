package eu.panosc.pdp;

import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.log.DecisionLogSettings;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.XdsSettings;
import eu.panosc.pdp.subject.AaiSettings;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code services.pdp} configuration section.
 *
 * @param trustedEntitlementAuthorities entitlement authorities ({@code #authority}) that count; none by default
 * @param entitlementPattern regex over an entitlement's group part with named groups {@code facility}, {@code proposal}
 * @param policyDir optional directory of policy files ({@code *.yaml}) submitted at start-up
 * @param decisionLog the {@code decisionLog} subsection
 * @param freshness how replicas follow each other's writes
 * @param aai how pairwise subject ids are resolved ({@code services.pdp.aai})
 * @param meshRegistry where the forward-auth reads resource servers and route rules ({@code mesh.registryUrl},
 *     default {@code <publicBaseUrl>/registry})
 * @param meshGrpc Envoy's gRPC ext_authz {@code Check} server ({@code mesh.grpc}; off unless a port is set)
 * @param meshXds the xDS control plane ({@code mesh.xds}; off by default)
 */
public record PdpSettings(Set<String> trustedEntitlementAuthorities, String entitlementPattern,
    Optional<Path> policyDir, DecisionLogSettings decisionLog, Freshness freshness, AaiSettings aai,
    URI meshRegistry, GrpcCheckSettings meshGrpc, XdsSettings meshXds) {

  /**
   * How this replica follows the change log.
   *
   * @param poll how often the log's head is polled (the safety net under LISTEN/NOTIFY)
   * @param retention how long change-log entries are kept; a replica further behind reloads everything
   * @param consistencyWait how long an evaluation with a consistency token may wait for this replica
   */
  public record Freshness(Duration poll, Duration retention, Duration consistencyWait) {
    static Freshness from(ConfigNode node) {
      Duration poll = positive(node, "changePoll", Duration.ofSeconds(1));
      Duration retention = positive(node, "changeRetention", Duration.ofMinutes(15));
      Duration wait = node.duration("consistencyWait", Duration.ofSeconds(1));
      if (wait.isNegative() || wait.compareTo(Duration.ofSeconds(30)) > 0) {
        throw new ConfigException(node.path() + ".consistencyWait", "expected a duration from 0s to 30s");
      }
      return new Freshness(poll, retention, wait);
    }

    private static Duration positive(ConfigNode node, String key, Duration fallback) {
      Duration d = node.duration(key, fallback);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigException(node.path() + "." + key, "expected a positive duration such as " + fallback.toSeconds() + "s");
      }
      return d;
    }
  }

  /** Reads the section; the aai defaults derive from the auth {@code issuer}, {@code publicRoot} and {@code demo}. */
  public static PdpSettings from(ConfigNode node, URI issuer, URI publicRoot, boolean demo) {
    Set<String> authorities = new LinkedHashSet<>();
    for (String v : node.stringList("trustedEntitlementAuthorities")) {
      Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(authorities::add);
    }
    String pattern = node.string("entitlementPattern", EntitlementMapper.DEFAULT_PATTERN);
    try {
      Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(node.path() + ".entitlementPattern", "not a valid regular expression: "
          + e.getDescription());
    }
    if (!pattern.contains("(?<facility>") || !pattern.contains("(?<proposal>")) {
      throw new ConfigException(node.path() + ".entitlementPattern",
          "needs the named groups (?<facility>...) and (?<proposal>...)");
    }
    Optional<Path> dir = node.optionalString("policyDir").map(Path::of);
    DecisionLogSettings decisionLog = node.read("decisionLog", DecisionLogSettings::from);
    Freshness freshness = Freshness.from(node);
    AaiSettings aai = node.read("aai", n -> AaiSettings.from(n, issuer, publicRoot, demo));
    ConfigNode mesh = node.node("mesh");
    URI meshRegistry = mesh.optionalUri("registryUrl", Set.of("http", "https"))
        .orElseGet(() -> URI.create(publicRoot.toString().replaceAll("/+$", "") + "/registry"));
    GrpcCheckSettings meshGrpc = mesh.read("grpc", GrpcCheckSettings::from);
    XdsSettings meshXds = mesh.read("xds", n -> XdsSettings.from(n, meshGrpc));
    mesh.rejectUnknownKeys();
    node.rejectUnknownKeys();
    return new PdpSettings(Set.copyOf(authorities), pattern, dir, decisionLog, freshness, aai, meshRegistry,
        meshGrpc, meshXds);
  }
}
