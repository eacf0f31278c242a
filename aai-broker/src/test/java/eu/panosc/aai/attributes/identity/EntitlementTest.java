package eu.panosc.aai.attributes.identity;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EntitlementTest {
  private static final String MX = "urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#eduteams.org";

  @Test
  void parseWhenG002ExampleThenParts() {
    Entitlement e = Entitlement.parse(MX).orElseThrow();

    assertThat(e.namespace()).isEqualTo("urn:geant:eduteams.org");
    assertThat(e.groups()).containsExactly("panosc", "esrf", "MX-2415");
    assertThat(e.role()).contains("member");
    assertThat(e.authority()).isEqualTo("eduteams.org");
    assertThat(e.value()).isEqualTo(MX);
  }

  @Test
  void parseWhenNoRoleThenEmptyRole() {
    assertThat(Entitlement.parse("urn:mace:egi.eu:group:vo.panosc.eu#aai.egi.eu").orElseThrow().role())
        .isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "urn:geant:eduteams.org:group:panosc",                      // no authority
      "urn:geant:eduteams.org:group:panosc#",                     // empty authority
      "urn:geant:eduteams.org:group:#eduteams.org",               // empty group
      "urn:geant:eduteams.org:group:a::b#eduteams.org",           // empty subgroup
      "urn:geant:eduteams.org:group:a:role=#eduteams.org",        // empty role
      "urn:geant:eduteams.org:group:role=x#eduteams.org",         // role without group
      "urn:geant:eduteams.org:group:a:role=x:b#eduteams.org",     // role not last
      "urn:geant:eduteams.org:group:a#b#c",                       // two authorities
      "https://example.org/group:a#eduteams.org",                 // namespace not a URN
      "urn:geant:eduteams.org:groups:a#eduteams.org",             // no :group:
      "urn:geant:eduteams.org:group:a b#eduteams.org",            // space
      "urn:geant:eduteams.org:group:a\n#eduteams.org"})           // control character
  void parseWhenMalformedThenEmpty(String value) {
    assertThat(Entitlement.parse(value)).isEmpty();
  }

  @Test
  void satisfiesWhenSubgroupOrRoleThenParentGroupSatisfied() {
    Entitlement e = Entitlement.parse(MX).orElseThrow();

    assertThat(e.satisfies("urn:geant:eduteams.org", "panosc")).isTrue();
    assertThat(e.satisfies("urn:geant:eduteams.org", "panosc:esrf")).isTrue();
    assertThat(e.satisfies("urn:geant:eduteams.org", "panosc:esrf:MX-2415")).isTrue();
    assertThat(e.satisfies("urn:geant:eduteams.org", "panosc:esrf:MX-2416")).isFalse();
    assertThat(e.satisfies("urn:geant:eduteams.org", "panosc:es")).isFalse();
    assertThat(e.satisfies("urn:geant:other.org", "panosc")).isFalse();
    assertThat(e.hasRole("urn:geant:eduteams.org", "panosc:esrf:MX-2415", "member")).isTrue();
    assertThat(e.hasRole("urn:geant:eduteams.org", "panosc:esrf", "member")).isFalse();
  }

  @Test
  void filterWhenUntrustedAndMalformedThenDroppedAndCounted() {
    EntitlementPolicy policy = new EntitlementPolicy(Set.of("EDUTEAMS.org"));

    EntitlementPolicy.Result r = policy.filter(List.of(MX, "urn:geant:evil.org:group:panosc#evil.org", "garbage",
        MX, "urn:geant:eduteams.org:group:panosc#eduteams.org"));

    assertThat(r.values()).containsExactly(MX, "urn:geant:eduteams.org:group:panosc#eduteams.org");
    assertThat(r.untrusted()).isEqualTo(1);
    assertThat(r.malformed()).isEqualTo(1);
  }

  @Test
  void assuranceWhenValuesThenOnlyAbsoluteUrisKept() {
    assertThat(Assurance.filter(List.of("https://refeds.org/assurance/IAP/medium", "not a uri", "relative/path",
        "https://refeds.org/assurance/profile/cappuccino", "https://refeds.org/assurance/IAP/medium")))
        .containsExactly("https://refeds.org/assurance/IAP/medium", "https://refeds.org/assurance/profile/cappuccino");
  }
}
