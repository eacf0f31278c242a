package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.aai.attributes.names.SamlAttribute;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttributeMapperTest {
  private static final String IDP = "https://umbrellaid.org/idp";
  private static final List<IdpScope> SCOPES = List.of(IdpScope.literal("umbrellaid.org"));
  private static final String MX = "urn:geant:umbrellaid.org:group:panosc:esrf:MX-2415:role=member#umbrellaid.org";
  private static final String MFA = "https://refeds.org/profile/mfa";

  private static SamlAttribute uri(String name, String... values) {
    return new SamlAttribute(name, SamlAttribute.URI, null, List.of(values));
  }

  private static UpstreamAttributeSettings settings(UpstreamAttributes.Protocol protocol, Optional<Path> internal,
      List<Path> processors, List<String> required, IdentityAttributes identity) {
    return new UpstreamAttributeSettings(protocol == UpstreamAttributes.Protocol.SAML ? "umbrellaid" : "eduteams",
        protocol, internal, List.of(), processors, required,
        protocol == UpstreamAttributes.Protocol.SAML ? UserIdSource.DEFAULT_ORDER
            : UpstreamAttributeSettings.OIDC_DEFAULT_ORDER,
        Set.of("umbrellaid.org", "eduteams.org"), Optional.empty(), identity);
  }

  private static List<SamlAttribute> umbrellaAttributes() {
    return List.of(uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"),
        uri("urn:oid:2.16.840.1.113730.3.1.241", "Alice Doe"), uri("urn:oid:0.9.2342.19200300.100.1.3",
            "alice@esrf.fr"), uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", MX, "urn:geant:evil.org:group:x#evil.org",
            "nonsense"), uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "https://refeds.org/assurance/IAP/medium"),
        uri("urn:oid:1.2.3.4.5.6", "unknown"));
  }

  @Test
  void identityWhenSamlWithBuiltInMapsThenUpstreamIdentity() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(), List.of("mail"), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    MappedIdentity m = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, umbrellaAttributes(), SCOPES,
        MFA, "client-1"));

    UpstreamIdentity id = m.identity();
    assertThat(id.userId()).isEqualTo("0f3a@umbrellaid.org");
    assertThat(m.userIdSource()).isEqualTo(UserIdSource.EDUPERSON_UNIQUE_ID);
    assertThat(id.displayName()).isEqualTo("Alice Doe");
    assertThat(id.email()).isEqualTo("alice@esrf.fr");
    assertThat(id.entitlements()).containsExactly(MX);
    assertThat(id.assurance()).containsExactly("https://refeds.org/assurance/IAP/medium");
    assertThat(id.acr()).isEqualTo(MFA);
    assertThat(m.untrustedEntitlements()).isEqualTo(1);
    assertThat(m.malformedEntitlements()).isEqualTo(1);
    mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, umbrellaAttributes(), SCOPES, MFA, null));
    assertThat(mapper.untrustedEntitlementsDropped()).isEqualTo(2);
    assertThat(mapper.malformedEntitlementsDropped()).isEqualTo(2);
    assertThat(m.unmappedSamlNames()).containsExactly("urn:oid:1.2.3.4.5.6");
    assertThat(m.attributes()).containsEntry("eduPersonUniqueId", List.of("0f3a@umbrellaid.org"));
  }

  /**
   * The registry's list for the upstream is trusted besides the configured one; what neither trusts is dropped before
   * it reaches the identity, and the INFO line names the count and the authority, never the person or the value.
   */
  @Test
  void identityWhenMoreTrustedAuthoritiesThenTheyCountAndForeignOnesAreDroppedAndLogged() {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(AttributeMapper.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      AttributeMapper mapper = AttributeMapper.load(new UpstreamAttributeSettings("umbrellaid",
          UpstreamAttributes.Protocol.SAML, Optional.empty(), List.of(), List.of(), List.of(),
          UserIdSource.DEFAULT_ORDER, Set.of(), Optional.empty(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());
      String registry = "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=pi";
      String foreign = "urn:geant:demo.panosc.eu:group:panosc:esrf:MX-9999:role=pi#foreign.example";
      List<SamlAttribute> attributes = List.of(uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"),
          uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", registry, foreign));

      MappedIdentity withRegistry = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, attributes,
          SCOPES, MFA, null), Set.of("demo.panosc.eu"));
      MappedIdentity without = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, attributes, SCOPES,
          MFA, null));

      assertThat(withRegistry.identity().entitlements()).containsExactly(registry + "#demo.panosc.eu");
      assertThat(withRegistry.untrustedEntitlements()).isEqualTo(1);
      assertThat(without.identity().entitlements()).as("configured list empty, no registry list").isEmpty();
      assertThat(appender.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .anySatisfy(m -> assertThat(m).contains("IdP " + IDP + " sent 0 malformed and 1 untrusted")
              .contains("[foreign.example]"))
          .anySatisfy(m -> assertThat(m).contains("2 untrusted").contains("[demo.panosc.eu, foreign.example]"))
          .allSatisfy(m -> assertThat(m).doesNotContain("0f3a").doesNotContain("MX-"));
    } finally {
      log.detachAppender(appender);
    }
  }

  @Test
  void identityWhenSatosaCorpusFilesThenAcceptedAsIsAndApplied() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML,
        Optional.of(SatosaCorpus.file("internal_attributes.yaml")), List.of(SatosaCorpus.file("filter_attributes.yaml"),
            SatosaCorpus.file("attribute_processor.yaml"), SatosaCorpus.file("hasher.yaml")), List.of("mail"),
        IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    MappedIdentity m = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP,
        new UpstreamAttributes.NameId("AbC", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"), List.of(
            uri("urn:oid:2.16.840.1.113730.3.1.241", "Alice Doe"), uri("urn:oid:0.9.2342.19200300.100.1.3",
                "alice@esrf.fr"), uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "tid-1")), SCOPES, null, null));

    assertThat(m.identity().userId()).isEqualTo(IDP + "!AbC");
    assertThat(m.identity().acr()).isEqualTo(AttributeMapper.ACR_UNSPECIFIED);
    assertThat(m.identity().displayName()).isEqualTo("Alice Doe");
    // user_id_from_attrs [edupersontargetedid] gives SATOSA's subject id, which the Hasher (subject_id: yes) hashes
    assertThat(m.attributes().get("edupersontargetedid")).singleElement().asString().hasSize(64).isNotEqualTo("tid-1");
  }

  @Test
  void identityWhenOidcClaimsThenSameLayer() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.OIDC, Optional.empty(),
        List.of(), List.of(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    MappedIdentity m = mapper.identity(UpstreamAttributes.oidc("eduteams", "https://proxy.eduteams.org",
        Map.of("sub", "c0ffee@eduteams.org", "voperson_id", "c0ffee@eduteams.org", "name", "Bob",
            "email", "bob@ill.eu", "eduperson_entitlement",
            List.of("urn:geant:eduteams.org:group:panosc:ill#eduteams.org"),
            "eduperson_assurance", List.of("https://refeds.org/assurance/profile/espresso")),
        List.of(), "https://refeds.org/profile/sfa", null));

    assertThat(m.identity().userId()).isEqualTo("c0ffee@eduteams.org");
    assertThat(m.userIdSource()).isEqualTo(UserIdSource.VOPERSON_ID);
    assertThat(m.identity().entitlements()).containsExactly("urn:geant:eduteams.org:group:panosc:ill#eduteams.org");
    assertThat(m.identity().assurance()).containsExactly("https://refeds.org/assurance/profile/espresso");
    assertThat(m.identity().acr()).isEqualTo("https://refeds.org/profile/sfa");
  }

  @Test
  void identityWhenRequiredAttributeNotReleasedThenNamedForThePage() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(), List.of("mail", "displayname", "surname"), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    assertThatThrownBy(() -> mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, List.of(
        uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"), uri("urn:oid:2.5.4.4", "Doe")), SCOPES, null,
        null))).isInstanceOf(MissingAttributesException.class)
        .satisfies(e -> assertThat(((MissingAttributesException) e).missing()).containsExactly("mail",
            "displayname"));
  }

  @Test
  void identityWhenNoUsableIdThenErrorNamesSources() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(), List.of(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    assertThatThrownBy(() -> mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP,
        new UpstreamAttributes.NameId("t", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"),
        List.of(uri("urn:oid:0.9.2342.19200300.100.1.3", "alice@esrf.fr")), SCOPES, null, null)))
        .isInstanceOf(NoUsableUserIdException.class).hasMessageContaining("subject-id: not released")
        .hasMessageContaining("persistentNameId: the NameID is not persistent");
  }

  @Test
  void loadWhenRequiredNotAnInternalAttributeThenError() {
    Path internal = SatosaCorpus.file("internal_attributes.yaml"); // outside the lambda: a missing corpus skips
    assertThatThrownBy(() -> AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML,
        Optional.of(internal), List.of(), List.of("email"),
        IdentityAttributes.DEFAULT), SatosaCorpus.reader())).isInstanceOf(AttributeConfigException.class)
        .hasMessageContaining("required: 'email' is not an internal attribute");
  }

  @Test
  void loadWhenHashListWithoutSaltThenErrorAndWithSaltHashed(@TempDir Path dir) throws Exception {
    Path internal = Files.writeString(dir.resolve("internal.yaml"), """
        attributes:
          edupersonuniqueid: {saml: [eduPersonUniqueId]}
          mail: {saml: [mail]}
        hash: [mail]
        """);
    UpstreamAttributeSettings without = settings(UpstreamAttributes.Protocol.SAML, Optional.of(internal), List.of(),
        List.of(), IdentityAttributes.DEFAULT);

    assertThatThrownBy(() -> AttributeMapper.load(without, SatosaCorpus.reader())).hasMessageContaining("hashSalt");

    UpstreamAttributeSettings with = new UpstreamAttributeSettings("umbrellaid", UpstreamAttributes.Protocol.SAML,
        Optional.of(internal), List.of(), List.of(), List.of(), UserIdSource.DEFAULT_ORDER, Set.of(),
        Optional.of(new Secret("pepper")), IdentityAttributes.DEFAULT);
    MappedIdentity m = AttributeMapper.load(with, SatosaCorpus.reader()).identity(UpstreamAttributes.saml(
        "umbrellaid", IDP, null, List.of(uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"),
            uri("urn:oid:0.9.2342.19200300.100.1.3", "alice@esrf.fr")), SCOPES, null, null));
    assertThat(m.attributes().get("mail")).singleElement().asString().hasSize(128);
    assertThat(m.identity().email()).isNotEqualTo("alice@esrf.fr");
  }

  @Test
  void identityWhenOtherUpstreamsAttributesThenWiringErrorNotMapped() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(), List.of(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    assertThatThrownBy(() -> mapper.identity(UpstreamAttributes.saml("other", IDP, null, List.of(), SCOPES, null,
        null))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loadWhenSatosaFilterWithBuiltInMapThenEveryNameDefined() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(SatosaCorpus.file("filter_attributes.yaml")), List.of(), IdentityAttributes.DEFAULT),
        SatosaCorpus.reader());

    // attr1 is the example's per-requester rule for a made-up attribute
    assertThat(mapper.warnings()).singleElement().asString().endsWith("[attr1]");
  }

  @Test
  void loadWhenFilterNamesAttributesTheMapLacksThenWarned() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML,
        Optional.of(SatosaCorpus.file("internal_attributes.yaml")), List.of(SatosaCorpus.file("filter_attributes.yaml")),
        List.of(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    assertThat(mapper.warnings()).singleElement().asString().contains("does not define")
        .contains("eduPersonScopedAffiliation").contains("subject-id");
  }

  @Test
  void identityWhenSatosaFilterWithBuiltInMapThenScopedValuesChecked() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(SatosaCorpus.file("filter_attributes.yaml")), List.of(), IdentityAttributes.DEFAULT),
        SatosaCorpus.reader());

    MappedIdentity m = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, List.of(
        uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"),
        uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "member@umbrellaid.org", "member@esrf.fr")), SCOPES, null, null));

    assertThat(m.attributes().get("eduPersonScopedAffiliation")).containsExactly("member@umbrellaid.org");
  }

  @Test
  void identityWhenValuesWithControlCharactersOrHugeThenDropped() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML, Optional.empty(),
        List.of(), List.of(), IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    MappedIdentity m = mapper.identity(UpstreamAttributes.saml("umbrellaid", IDP, null, List.of(
        uri("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "0f3a@umbrellaid.org"),
        uri("urn:oid:2.16.840.1.113730.3.1.241", "Eve\u0000Evil", "x".repeat(5000), "Eve")), SCOPES, null, null));

    assertThat(m.attributes().get("displayname")).containsExactly("Eve");
    assertThat(m.identity().displayName()).isEqualTo("Eve");
  }

  @Test
  void identityWhenClaimsAsVertxJsonThenNestedAndListClaimsRead() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.OIDC,
        Optional.of(SatosaCorpus.file("internal_attributes.yaml")), List.of(), List.of(), IdentityAttributes.DEFAULT),
        SatosaCorpus.reader());
    io.vertx.core.json.JsonObject claims = new io.vertx.core.json.JsonObject("""
        {"sub": "42", "email": ["a@x.eu", "b@x.eu"], "address": {"street_address": "1 Main St"}}""");

    MappedIdentity m = mapper.identity(UpstreamAttributes.oidc("eduteams", "https://proxy.eduteams.org",
        claims.getMap(), List.of(), null, null));

    assertThat(m.identity().userId()).isEqualTo("https://proxy.eduteams.org!42");
    assertThat(m.attributes()).containsEntry("address", List.of("1 Main St"))
        .containsEntry("mail", List.of("a@x.eu", "b@x.eu"));
  }

  @Test
  void requestedSamlAttributesWhenCorpusMapThenUriNamesOnceRequiredMarked() {
    AttributeMapper mapper = AttributeMapper.load(settings(UpstreamAttributes.Protocol.SAML,
        Optional.of(SatosaCorpus.file("internal_attributes.yaml")), List.of(), List.of("mail"),
        IdentityAttributes.DEFAULT), SatosaCorpus.reader());

    List<RequestedSamlAttribute> requested = mapper.requestedSamlAttributes();

    // postaladdress, email, emailAddress and surname have no uri Name in the built-in map: left out
    assertThat(requested).extracting(RequestedSamlAttribute::friendlyName).containsExactly("displayName",
        "eduPersonTargetedID", "givenName", "mail", "cn", "sn");
    assertThat(requested).filteredOn(RequestedSamlAttribute::required).singleElement()
        .isEqualTo(new RequestedSamlAttribute("urn:oid:0.9.2342.19200300.100.1.3", SamlAttribute.URI, "mail", true));
  }
}
