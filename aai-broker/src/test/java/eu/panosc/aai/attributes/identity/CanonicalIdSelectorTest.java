package eu.panosc.aai.attributes.identity;

import eu.panosc.aai.attributes.scope.IdpScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalIdSelectorTest {
  private static final String IDP = "https://umbrellaid.org/idp";
  private static final String SUBJECT_ID = "urn:oasis:names:tc:SAML:attribute:subject-id";
  private static final String UNIQUE_ID = "urn:oid:1.3.6.1.4.1.5923.1.1.1.13";
  private static final String VOPERSON_ID = "urn:oid:1.3.6.1.4.1.25178.4.1.6";
  private static final String TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

  private record Evidence(Map<String, List<String>> saml, Map<String, List<String>> claims, String nameIdValue,
      String nameIdFormat, List<IdpScope> scopes) implements IdentityEvidence {
    @Override
    public String issuer() {
      return IDP;
    }

    @Override
    public List<String> samlValues(String name) {
      return saml.getOrDefault(name, List.of());
    }

    @Override
    public List<String> claimValues(String claim) {
      return claims.getOrDefault(claim, List.of());
    }
  }

  private static Evidence saml(Map<String, List<String>> attributes, String nameId, String format) {
    return new Evidence(attributes, Map.of(), nameId, format, List.of(IdpScope.literal("umbrellaid.org")));
  }

  private static final CanonicalIdSelector DEFAULT = new CanonicalIdSelector(UserIdSource.DEFAULT_ORDER);

  @Test
  void selectWhenSeveralSourcesThenFirstInOrder() {
    CanonicalUserId id = DEFAULT.select(saml(Map.of(UNIQUE_ID, List.of("u1@umbrellaid.org"), VOPERSON_ID,
        List.of("v1@umbrellaid.org"), SUBJECT_ID, List.of("s1@umbrellaid.org")), "p1", CanonicalIdSelector.PERSISTENT));

    assertThat(id).isEqualTo(new CanonicalUserId("s1@umbrellaid.org", UserIdSource.SUBJECT_ID));
  }

  @Test
  void selectWhenUniqueIdScopeNotOfIdpThenNextSource() {
    CanonicalUserId id = DEFAULT.select(saml(Map.of(UNIQUE_ID, List.of("u1@evil.org"),
        VOPERSON_ID, List.of("v1@umbrellaid.org")), null, null));

    assertThat(id).isEqualTo(new CanonicalUserId("v1@umbrellaid.org", UserIdSource.VOPERSON_ID));
  }

  @Test
  void selectWhenRegexpScopeThenMatchedWhole() {
    Evidence e = new Evidence(Map.of(UNIQUE_ID, List.of("u1@psi.ch")), Map.of(), null, null,
        List.of(IdpScope.regexp("^(psi|esrf)\\.(ch|fr)$")));

    assertThat(new CanonicalIdSelector(List.of(UserIdSource.EDUPERSON_UNIQUE_ID)).select(e).value())
        .isEqualTo("u1@psi.ch");
  }

  @Test
  void selectWhenOnlyPersistentNameIdThenQualifiedByIdp() {
    assertThat(DEFAULT.select(saml(Map.of(), "AbC123", CanonicalIdSelector.PERSISTENT)))
        .isEqualTo(new CanonicalUserId(IDP + "!AbC123", UserIdSource.PERSISTENT_NAME_ID));
  }

  @Test
  void selectWhenNothingUsableThenErrorNamesEverySourceTriedWithoutValues() {
    Evidence e = saml(Map.of(SUBJECT_ID, List.of("bad id@umbrellaid.org"), UNIQUE_ID,
        List.of("a@umbrellaid.org", "b@umbrellaid.org"), VOPERSON_ID, List.of()), "t-123", TRANSIENT);

    assertThatThrownBy(() -> DEFAULT.select(e)).isInstanceOf(NoUsableUserIdException.class)
        .satisfies(ex -> assertThat(((NoUsableUserIdException) ex).tried()).containsExactly(
            "subject-id: the value does not follow the profile's syntax (local@scope)",
            "pairwise-id: not released",
            "eduPersonUniqueId: 2 values where one is allowed",
            "voPersonID: not released",
            "persistentNameId: the NameID is not persistent (format " + TRANSIENT + ")"))
        .hasMessageNotContaining("t-123").hasMessageNotContaining("a@umbrellaid.org");
  }

  @Test
  void selectWhenOidcClaimsThenVopersonIdOrQualifiedSub() {
    CanonicalIdSelector oidc = new CanonicalIdSelector(List.of(UserIdSource.VOPERSON_ID, UserIdSource.OIDC_SUB));

    assertThat(oidc.select(new Evidence(Map.of(), Map.of("voperson_id", List.of("c0ffee@eduteams.org")), null, null,
        List.of())).value()).isEqualTo("c0ffee@eduteams.org");
    assertThat(oidc.select(new Evidence(Map.of(), Map.of("sub", List.of("123")), null, null, List.of())).value())
        .isEqualTo(IDP + "!123");
  }

  @Test
  void selectWhenValueNotStorableThenRefused() {
    String tooLong = "x".repeat(600) + "@umbrellaid.org";

    assertThatThrownBy(() -> new CanonicalIdSelector(List.of(UserIdSource.VOPERSON_ID))
        .select(saml(Map.of(VOPERSON_ID, List.of(tooLong)), null, null)))
        .hasMessageContaining("voPersonID: the value is longer than 512 characters");
  }

  @Test
  void byNameWhenEmailTransientOrEppnThenRefusedWithReason() {
    assertThatThrownBy(() -> UserIdSource.byName("mail")).hasMessageContaining("e-mail addresses are reassigned");
    assertThatThrownBy(() -> UserIdSource.byName("transientNameId")).hasMessageContaining("transient NameID");
    assertThatThrownBy(() -> UserIdSource.byName("eduPersonPrincipalName")).hasMessageContaining("reassigned");
    assertThatThrownBy(() -> UserIdSource.byName("uid")).hasMessageContaining("unknown user id source 'uid'");
    assertThat(UserIdSource.byName("VOPERSONID")).isEqualTo(UserIdSource.VOPERSON_ID);
  }
}
