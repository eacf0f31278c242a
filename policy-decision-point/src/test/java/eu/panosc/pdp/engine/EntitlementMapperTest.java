package eu.panosc.pdp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntitlementMapperTest {
  private final EntitlementMapper mapper = new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN,
      Set.of("eduteams.org"));

  @Test
  void roleInWhenMemberEntitlementThenMember() {
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#eduteams.org"),
        "esrf:MX-2415")).isEqualTo("member");
  }

  @Test
  void roleInWhenPiRoleThenPi() {
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=pi#eduteams.org"),
        "esrf:MX-2415")).isEqualTo("pi");
  }

  @Test
  void roleInWhenSubgroupThenSatisfiesParent() {
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:analysts#eduteams.org"),
        "esrf:MX-2415")).isEqualTo("member");
  }

  @Test
  void roleInWhenUntrustedAuthorityOrOtherProposalThenNull() {
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#evil.org"),
        "esrf:MX-2415")).isNull();
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2416#eduteams.org"),
        "esrf:MX-2415")).isNull();
    assertThat(mapper.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415"), "esrf:MX-2415")).isNull();
  }

  @Test
  void roleInWhenNoTrustedAuthoritiesThenNothingCounts() {
    EntitlementMapper none = new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of());
    assertThat(none.roleIn(List.of("urn:geant:eduteams.org:group:panosc:esrf:MX-2415#eduteams.org"),
        "esrf:MX-2415")).isNull();
  }
}
