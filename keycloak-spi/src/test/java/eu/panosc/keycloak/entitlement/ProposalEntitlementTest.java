package eu.panosc.keycloak.entitlement;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.keycloak.entitlement.ProposalEntitlement.Rejection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProposalEntitlementTest {
  private static final List<String> TRUSTED = List.of("demo.panosc.eu");
  private static final List<String> STAFF = List.of("staff");

  private static ProposalEntitlement.Result read(Object value) {
    return ProposalEntitlement.read(value, "panosc", TRUSTED, STAFF);
  }

  @Test
  void readWhenTheAaiBrokersFormThenFacilityProposalRoleAndAuthority() {
    ProposalEntitlement e = read("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=co-proposer#demo.panosc.eu")
        .entitlement().orElseThrow();
    assertThat(e).isEqualTo(new ProposalEntitlement("demo.panosc.eu", "esrf", "MX-2415", Optional.of("co-proposer")));
  }

  @Test
  void readWhenNoRoleThenMembershipWithoutRole() {
    assertThat(read("urn:geant:demo.panosc.eu:group:panosc:ill:9-10-1650#demo.panosc.eu").entitlement())
        .contains(new ProposalEntitlement("demo.panosc.eu", "ill", "9-10-1650", Optional.empty()));
  }

  @Test
  void readWhenG002WithoutAuthorityThenTheNamespaceOwnerIsTheAuthority() {
    assertThat(read("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415").entitlement().map(ProposalEntitlement::authority))
        .contains("demo.panosc.eu");
  }

  @Test
  void readWhenAuthorityDiffersInCaseThenTrusted() {
    assertThat(read("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415#DEMO.panosc.EU").entitlement()).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "not an entitlement",
      "urn:geant:demo.panosc.eu:panosc:esrf:MX-2415#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415#demo.panosc.eu#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX 2415#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX/2415#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf::#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:#demo.panosc.eu",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415#",
      "http://demo.panosc.eu:group:panosc:esrf:MX-2415#demo.panosc.eu",
      "urn:geant:nodots:group:panosc:esrf:MX-2415"})
  void readWhenMalformedThenRejectedAsMalformed(String value) {
    assertThat(read(value).rejection()).contains(Rejection.MALFORMED);
    assertThat(read(value).entitlement()).isEmpty();
  }

  @Test
  void readWhenTooLongOrNoStringThenMalformed() {
    assertThat(read("urn:geant:demo.panosc.eu:group:panosc:esrf:" + "A".repeat(1100) + "#demo.panosc.eu").rejection())
        .contains(Rejection.MALFORMED);
    assertThat(read(42).rejection()).contains(Rejection.MALFORMED);
    assertThat(read(null).rejection()).contains(Rejection.MALFORMED);
  }

  @ParameterizedTest
  @CsvSource({
      "urn:geant:eduteams.org:group:panosc:esrf:MX-2415#eduteams.org, UNTRUSTED_AUTHORITY",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415#evil.example, UNTRUSTED_AUTHORITY",
      "urn:geant:demo.panosc.eu:group:other:esrf:MX-2415#demo.panosc.eu, NOT_A_PROPOSAL",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:staff:role=data-manager#demo.panosc.eu, NOT_A_PROPOSAL",
      "urn:geant:demo.panosc.eu:group:panosc:esrf#demo.panosc.eu, NOT_A_PROPOSAL",
      "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:sub#demo.panosc.eu, NOT_A_PROPOSAL"})
  void readWhenWellFormedButNotUsableThenTheReason(String value, Rejection reason) {
    assertThat(read(value).rejection()).contains(reason);
  }

  @Test
  void readWhenNoAuthorityIsTrustedThenNothingIsAccepted() {
    assertThat(ProposalEntitlement.read("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415#demo.panosc.eu", "panosc",
        List.of(), STAFF).rejection()).contains(Rejection.UNTRUSTED_AUTHORITY);
  }
}
