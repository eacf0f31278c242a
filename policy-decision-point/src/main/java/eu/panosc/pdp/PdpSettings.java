package eu.panosc.pdp;

import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.log.DecisionLogSettings;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.nio.file.Path;
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
 */
public record PdpSettings(Set<String> trustedEntitlementAuthorities, String entitlementPattern,
    Optional<Path> policyDir, DecisionLogSettings decisionLog) {

  public static PdpSettings from(ConfigNode node) {
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
    node.rejectUnknownKeys();
    return new PdpSettings(Set.copyOf(authorities), pattern, dir, decisionLog);
  }
}
