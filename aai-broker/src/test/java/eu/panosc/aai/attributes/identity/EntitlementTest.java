package eu.panosc.aai.attributes.identity;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
      "urn:geant:panosc:group:x",                                 // no authority, namespace owner not a DNS name
      "urn:geant:-evil.org:group:x",                              // no authority, owner label starts with '-'
      "urn:geant::group:x",                                       // no authority, empty namespace owner
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
  void parseWhenG002WithoutAuthorityThenNamespaceOwnerIsTheAuthority() {
    Entitlement e = Entitlement.parse("urn:geant:eduteams.org:group:panosc:esrf:role=pi").orElseThrow();

    assertThat(e.authority()).isEqualTo("eduteams.org");
    assertThat(e.explicitAuthority()).isFalse();
    assertThat(e.value()).as("G069 form, with the authority it was checked against")
        .isEqualTo("urn:geant:eduteams.org:group:panosc:esrf:role=pi#eduteams.org");
    assertThat(Entitlement.parse(MX).orElseThrow().explicitAuthority()).isTrue();
  }

  /**
   * Which entitlement strings an upstream trusting {@code umbrellaid.org} and {@code eduteams.org} keeps: the authority
   * is the G069 {@code #authority} when present, else the G002 namespace owner; a suffix naming another authority is
   * not rescued by a trusted namespace, nor the other way round.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "DROP", value = {
      // valid G002 with a G069 authority
      "urn:geant:umbrellaid.org:group:panosc:esrf:MX-2415:role=pi#umbrellaid.org | urn:geant:umbrellaid.org:group:panosc:esrf:MX-2415:role=pi#umbrellaid.org | 0 | 0",
      // valid G002 without an authority: the namespace owner is trusted
      "urn:geant:eduteams.org:group:panosc:ill | urn:geant:eduteams.org:group:panosc:ill#eduteams.org | 0 | 0",
      // authority compared without regard to case, written as given
      "urn:mace:egi.eu:group:panosc#EduTeams.ORG | urn:mace:egi.eu:group:panosc#EduTeams.ORG | 0 | 0",
      // a trusted namespace with a foreign authority
      "urn:geant:umbrellaid.org:group:panosc:esrf:role=pi#evil.example | DROP | 0 | 1",
      // a foreign namespace with a trusted authority is the authority's claim: kept
      "urn:geant:other.org:group:panosc#umbrellaid.org | urn:geant:other.org:group:panosc#umbrellaid.org | 0 | 0",
      // a foreign namespace without an authority
      "urn:geant:evil.example:group:panosc:esrf:role=pi | DROP | 0 | 1",
      // look-alike owners
      "urn:geant:umbrellaid.org.evil.example:group:panosc | DROP | 0 | 1",
      "urn:geant:evilumbrellaid.org:group:panosc | DROP | 0 | 1",
      // hostile: two authorities, an empty one, a smuggled one in the group, not G002, control characters
      "urn:geant:umbrellaid.org:group:a#evil.example#umbrellaid.org | DROP | 1 | 0",
      "urn:geant:umbrellaid.org:group:a# | DROP | 1 | 0",
      "urn:geant:evil.example:group:umbrellaid.org | DROP | 0 | 1",
      "urn:mace:dir:entitlement:common-lib-terms | DROP | 1 | 0",
      "'urn:geant:umbrellaid.org:group:a\u0000#umbrellaid.org' | DROP | 1 | 0",
      "https://umbrellaid.org/group:a#umbrellaid.org | DROP | 1 | 0"})
  void filterWhenEntitlementStringThenKeptOnlyWithTrustedAuthority(String value, String kept, int malformed,
      int untrusted) {
    EntitlementPolicy policy = new EntitlementPolicy(Set.of("umbrellaid.org", "eduteams.org"));

    EntitlementPolicy.Result r = policy.filter(List.of(value));

    assertThat(r.values()).isEqualTo(kept == null ? List.of() : List.of(kept));
    assertThat(r.malformed()).isEqualTo(malformed);
    assertThat(r.untrusted()).isEqualTo(untrusted);
  }

  @Test
  void filterWhenUntrustedThenItsAuthoritiesNamedWithoutValues() {
    EntitlementPolicy policy = new EntitlementPolicy(Set.of("umbrellaid.org"));

    EntitlementPolicy.Result r = policy.filter(List.of("urn:geant:umbrellaid.org:group:a#Evil.Example",
        "urn:geant:other.org:group:b", "urn:geant:umbrellaid.org:group:c#evil.example"));

    assertThat(r.untrusted()).isEqualTo(3);
    assertThat(r.untrustedAuthorities()).containsExactly("evil.example", "other.org");
  }

  @Test
  void withWhenMoreAuthoritiesThenBothListsTrusted() {
    EntitlementPolicy configured = new EntitlementPolicy(Set.of("umbrellaid.org"));

    EntitlementPolicy.Result r = configured.with(Set.of("demo.panosc.eu")).filter(List.of(
        "urn:geant:umbrellaid.org:group:a", "urn:geant:demo.panosc.eu:group:b#demo.panosc.eu", "urn:geant:x.org:group:c"));

    assertThat(r.values()).containsExactly("urn:geant:umbrellaid.org:group:a#umbrellaid.org",
        "urn:geant:demo.panosc.eu:group:b#demo.panosc.eu");
    assertThat(configured.with(Set.of())).isSameAs(configured);
    assertThat(configured.trusted()).containsExactly("umbrellaid.org");
  }

  @Test
  void assuranceWhenValuesThenOnlyAbsoluteUrisKept() {
    assertThat(Assurance.filter(List.of("https://refeds.org/assurance/IAP/medium", "not a uri", "relative/path",
        "https://refeds.org/assurance/profile/cappuccino", "https://refeds.org/assurance/IAP/medium")))
        .containsExactly("https://refeds.org/assurance/IAP/medium", "https://refeds.org/assurance/profile/cappuccino");
  }
}
