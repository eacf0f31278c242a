package eu.panosc.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.model.Caller;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallersTest {
  static AccessTokenPrincipal principal(Set<String> scopes, Object entitlements) {
    return new AccessTokenPrincipal("bob@demo.panosc.eu", "panosc-cli", scopes, Instant.parse("2026-12-07T10:00:00Z"),
        entitlements == null ? Map.of() : Map.of("eduperson_entitlement", entitlements));
  }

  @Test
  void ofWhenProposalAndStaffEntitlementsThenProposalsFacilitiesAndStaff() {
    Caller c = Callers.of(principal(Set.of(), List.of(
        "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=co-proposer",
        "urn:geant:demo.panosc.eu:group:panosc:ill:staff:role=staff-scientist",
        "urn:geant:other.org:group:unrelated", 42)));
    assertThat(c.user()).isEqualTo("bob@demo.panosc.eu");
    assertThat(c.proposals()).containsExactly("esrf:MX-2415");
    assertThat(c.facilities()).containsExactlyInAnyOrder("esrf", "ill");
    assertThat(c.staff()).isTrue();
    assertThat(c.admin()).isFalse();
    assertThat(c.roles()).containsExactly("user", "staff");
    assertThat(c.client()).contains("panosc-cli");
    assertThat(c.canonical()).isEmpty();
  }

  @Test
  void ofWhenVopersonIdReleasedThenCanonicalFromIt() {
    var p = new AccessTokenPrincipal("pairwise-xyz", "scicat-esrf", Set.of(), Instant.parse("2026-12-07T10:00:00Z"),
        Map.of("voperson_id", "alice@demo.panosc.eu"));
    assertThat(Callers.of(p).canonical()).contains("alice@demo.panosc.eu");
    assertThat(Callers.of(p).user()).isEqualTo("pairwise-xyz");
  }

  @Test
  void ofWhenNoEntitlementsOrMalformedThenPlainUserAndAdminByScope() {
    Caller plain = Callers.of(principal(Set.of(), "not-a-list"));
    assertThat(plain.proposals()).isEmpty();
    assertThat(plain.staff()).isFalse();
    Caller broken = Callers.of(principal(Set.of("broker:admin"), List.of(
        "urn:x:group:panosc:esrf", "urn:x:group:panosc::role=pi", "urn:x:group:panosc:esrf::role=pi")));
    assertThat(broken.proposals()).isEmpty();
    assertThat(broken.admin()).isTrue();
    assertThat(broken.roles()).containsExactly("user", "admin");
  }
}
