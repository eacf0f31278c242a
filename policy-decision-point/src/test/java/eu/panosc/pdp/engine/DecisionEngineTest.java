package eu.panosc.pdp.engine;

import static eu.panosc.pdp.engine.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The PaNOSC data policy as a table: role × dataset state × action × facility. */
class DecisionEngineTest {
  private static Fixtures.World world;

  @BeforeAll
  static void setUp() {
    world = Fixtures.world();
  }

  /** role, dataset state, action → expected decision (the same at every facility). */
  static Stream<Arguments> table() {
    String[] roles = {"pi", "co", "lc", "scientist", "manager", "admin", "outsider", "other-pi"};
    String[] states = {"embargoed", "released", "public"};
    String[] actions = {"read", "download", "analyse", "annotate", "publish", "delete"};
    List<Arguments> rows = new ArrayList<>();
    for (String facility : List.of("esrf", "ill")) {
      for (String role : roles) {
        for (String state : states) {
          for (String action : actions) {
            rows.add(Arguments.of(facility, role, state, action, expected(role, state, action)));
          }
        }
      }
    }
    return rows.stream();
  }

  private static boolean expected(String role, String state, String action) {
    boolean member = role.equals("pi") || role.equals("co") || role.equals("lc");
    boolean dataStaff = role.equals("scientist") || role.equals("manager");
    return switch (action) {
      case "read", "download", "analyse" -> !state.equals("embargoed") || member || dataStaff;
      case "annotate", "publish" -> role.equals("pi") || role.equals("manager");
      default -> false;
    };
  }

  @ParameterizedTest(name = "{0} {1} {3} {2} -> {4}")
  @MethodSource("table")
  void decideWhenRoleStateActionThenPolicyTable(String facility, String role, String state, String action,
      boolean expected) {
    String user = role.equals("other-pi") ? "pi@" + (facility.equals("esrf") ? "ill" : "esrf") : role + "@" + facility;
    Decision d = world.engine().decide(request(user, action, facility + "/" + state));
    assertThat(d.permit()).as("%s may %s %s dataset at %s", role, action, state, facility).isEqualTo(expected);
    assertThat(d.failed()).isFalse();
    assertThat(d.reasonUser()).isNotBlank();
  }

  @Test
  void decideWhenContextTimeAtReleaseSecondThenReleasedAndOneSecondBeforeEmbargoed() {
    AccessRequest before = new AccessRequest(new AccessRequest.Entity("user", "outsider", Map.of()), "read", Map.of(),
        new AccessRequest.Entity("dataset", "esrf/embargoed", Map.of()),
        Map.of("time", Fixtures.RELEASE.minusSeconds(1)));
    AccessRequest at = new AccessRequest(before.subject(), "read", Map.of(), before.resource(),
        Map.of("time", Fixtures.RELEASE));
    assertThat(world.engine().decide(before).permit()).isFalse();
    Decision d = world.engine().decide(at);
    assertThat(d.permit()).isTrue();
    assertThat(d.rule()).isEqualTo("released");
    assertThat(d.relation()).isEqualTo("released");
  }

  @Test
  void decideWhenMemberThenReasonNamesRuleAndRelation() {
    Decision d = world.engine().decide(request("co@esrf", "read", "esrf/embargoed"));
    assertThat(d.permit()).isTrue();
    assertThat(d.rule()).isEqualTo("proposal-member");
    assertThat(d.relation()).isEqualTo("member");
    assertThat(d.policy()).isEqualTo("panosc-data@v1");
  }

  @Test
  void decideWhenTrustedEntitlementThenMember() {
    AccessRequest r = new AccessRequest(new AccessRequest.Entity("user", "stranger", Map.of("entitlements", List.of(
        "urn:geant:eduteams.org:group:panosc:esrf:P-1:role=member#eduteams.org"))), "read", Map.of(),
        new AccessRequest.Entity("dataset", "esrf/embargoed", Map.of()), Map.of());
    assertThat(world.engine().decide(r).permit()).isTrue();
  }

  @Test
  void decideWhenUntrustedEntitlementAuthorityThenDenied() {
    AccessRequest r = new AccessRequest(new AccessRequest.Entity("user", "stranger", Map.of("entitlements", List.of(
        "urn:geant:eduteams.org:group:panosc:esrf:P-1:role=member#evil.example"))), "read", Map.of(),
        new AccessRequest.Entity("dataset", "esrf/embargoed", Map.of()), Map.of());
    assertThat(world.engine().decide(r).permit()).isFalse();
  }

  @Test
  void decideWhenUnknownDatasetThenDenyWith404Error() {
    Decision d = world.engine().decide(request("pi@esrf", "read", "nope"));
    assertThat(d.permit()).isFalse();
    assertThat(d.errorStatus()).isEqualTo(404);
  }

  @Test
  void decideWhenRelationsSuspendedThenDenyWith503NotUnknownDataset() {
    Fixtures.World w = Fixtures.world();
    w.cache().suspend("a change batch could not be applied");

    Decision d = w.engine().decide(request("pi@esrf", "read", "esrf/released"));

    assertThat(d.permit()).isFalse();
    assertThat(d.errorStatus()).isEqualTo(503);
    assertThat(d.reasonUser()).contains("reloading");
  }
}
