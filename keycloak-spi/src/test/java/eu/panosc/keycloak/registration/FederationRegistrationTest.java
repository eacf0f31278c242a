package eu.panosc.keycloak.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FederationRegistrationTest {

  /** The registry's rules that matter here, in memory: versions, If-Match, one refused client id. */
  static final class InMemoryRegistry implements RegistryApi {
    final Map<String, ObjectNode> members = new LinkedHashMap<>();
    final List<String> writes = new ArrayList<>();
    String refuse;
    boolean down;

    @Override
    public Optional<Stored> get(String clientId) throws RegistryException {
      if (down) {
        throw new RegistryException("token endpoint refused client 'kc': HTTP 401 invalid_client", true);
      }
      ObjectNode m = members.get(clientId);
      return m == null ? Optional.empty() : Optional.of(new Stored(m.deepCopy(), m.get("version").asLong()));
    }

    @Override
    public void create(ObjectNode document) throws RegistryException {
      String id = document.get("clientId").asText();
      if (id.equals(refuse)) {
        throw new RegistryException("registry answered HTTP 400 (/redirectUris/0: must be https)", false);
      }
      writes.add("create " + id);
      members.put(id, document.deepCopy().put("state", "pending").put("version", 1));
    }

    @Override
    public void replace(String clientId, ObjectNode document, long version) throws RegistryException {
      ObjectNode m = members.get(clientId);
      if (m.get("version").asLong() != version) {
        throw new RegistryException("registry answered HTTP 412", false);
      }
      writes.add("replace " + clientId);
      members.put(clientId, document.deepCopy().put("state", m.get("state").asText()).put("version", version + 1));
    }
  }

  @Test
  void registersThenASecondCallChangesNothing() throws Exception {
    InMemoryRegistry registry = new InMemoryRegistry();
    FederationRegistration r = new FederationRegistration(registry, "esrf");
    List<RealmClient> clients = List.of(RegistryDocumentsTest.webApp("portal"), RegistryDocumentsTest.webApp("admin-cli"));
    assertThat(r.register("esrf", clients)).containsExactly(
        new ClientOutcome("portal", "registered", null),
        new ClientOutcome("admin-cli", "skipped", "a built-in Keycloak client"));
    assertThat(r.register("esrf", clients)).first().isEqualTo(new ClientOutcome("portal", "unchanged", null));
    assertThat(registry.writes).containsExactly("create portal");
  }

  @Test
  void aChangedClientIsUpdatedKeepingItsStateAndTheAdministratorsFields() throws Exception {
    InMemoryRegistry registry = new InMemoryRegistry();
    FederationRegistration r = new FederationRegistration(registry, "esrf");
    r.register("esrf", List.of(RegistryDocumentsTest.webApp("portal")));
    registry.members.get("portal").put("state", "approved").putArray("allowedUpstreams").add("umbrella");
    RealmClient moved = new RealmClient("portal", "The portal", "openid-connect", true, false, false, true, false,
        false, "client-secret", null, List.of("https://new.example/cb"), List.of());
    assertThat(r.register("esrf", List.of(moved))).containsExactly(new ClientOutcome("portal", "updated", null));
    ObjectNode stored = registry.members.get("portal");
    assertThat(stored.get("redirectUris").toString()).isEqualTo("[\"https://new.example/cb\"]");
    assertThat(stored.get("allowedUpstreams").toString()).isEqualTo("[\"umbrella\"]");
    assertThat(stored.get("state").asText()).isEqualTo("approved");
  }

  @Test
  void aClientOfAnotherFacilityOrARefusedDocumentFailsAloneAndTheOthersGoOn() throws Exception {
    InMemoryRegistry registry = new InMemoryRegistry();
    new FederationRegistration(registry, "ill").register("ill", List.of(RegistryDocumentsTest.webApp("portal")));
    registry.refuse = "bad";
    List<ClientOutcome> out = new FederationRegistration(registry, "esrf").register("esrf",
        List.of(RegistryDocumentsTest.webApp("portal"), RegistryDocumentsTest.webApp("bad"),
            RegistryDocumentsTest.webApp("good")));
    assertThat(out.get(0).outcome()).isEqualTo("failed");
    assertThat(out.get(0).reason()).contains("already has client portal for facility ill");
    assertThat(out.get(1)).isEqualTo(new ClientOutcome("bad", "failed",
        "registry answered HTTP 400 (/redirectUris/0: must be https)"));
    assertThat(out.get(2)).isEqualTo(new ClientOutcome("good", "registered", null));
    assertThat(registry.members.get("portal").get("facility").asText()).isEqualTo("ill");
  }

  @Test
  void anUnusableRegistryFailsTheWholeCall() {
    InMemoryRegistry registry = new InMemoryRegistry();
    registry.down = true;
    assertThatThrownBy(() -> new FederationRegistration(registry, "esrf").register("esrf",
        List.of(RegistryDocumentsTest.webApp("portal")))).isInstanceOf(RegistryApi.RegistryException.class)
        .hasMessageContaining("invalid_client");
  }
}
