package eu.panosc.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTokenPrincipalTest {

  @Test
  void claimsAreADeepImmutableCopy() {
    List<Object> groups = new ArrayList<>(List.of("esrf"));
    Map<String, Object> claims = new HashMap<>(Map.of("groups", groups, "sub", "alice"));
    AccessTokenPrincipal p = new AccessTokenPrincipal("alice", null, Set.of("a"), Instant.EPOCH, claims);

    groups.add("ill");
    claims.put("extra", 1);

    assertThat(p.claims()).doesNotContainKey("extra");
    assertThat(p.claims().get("groups")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactly("esrf");
    assertThatThrownBy(() -> p.claims().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> copied = (List<Object>) p.claims().get("groups");
    assertThatThrownBy(() -> copied.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void hasScopeChecksGrantedScopes() {
    AccessTokenPrincipal p = new AccessTokenPrincipal("alice", "portal", Set.of("pdp:evaluate"), Instant.EPOCH, Map.of());

    assertThat(p.hasScope("pdp:evaluate")).isTrue();
    assertThat(p.hasScope("pdp:admin")).isFalse();
  }
}
