package eu.panosc.registry;

import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.auth.ClientSecrets;
import eu.panosc.registry.model.MemberDraft;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.MemberValidator;
import eu.panosc.registry.model.OnboardingState;
import eu.panosc.registry.store.Actor;
import eu.panosc.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the demo federation (docs/demo.md) as approved members, once: facilities, clients with
 * their published secrets (two of them with OpenID Federation entity ids), upstream IdPs, SAML entities and
 * clusters. Every seeded document carries {@code demo: true}
 * so that nothing outside demo mode trusts it.
 */
final class DemoSeed {
  private static final Logger LOG = LoggerFactory.getLogger(DemoSeed.class);
  static final Actor ACTOR = new Actor("demo-seed", null);

  private DemoSeed() {}

  /** The first X.509 certificate of a SAML metadata document, as PEM. */
  static String pem(String metadata) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<ds:X509Certificate>([^<]+)</ds:X509Certificate>")
        .matcher(metadata);
    if (!m.find()) {
      throw new IllegalStateException("the demo SAML metadata has no certificate");
    }
    return "-----BEGIN CERTIFICATE-----\n" + m.group(1).replaceAll("\\s", "") + "\n-----END CERTIFICATE-----\n";
  }

  static Future<Integer> seed(RegistryStore store, MemberValidator validator) {
    JsonObject demo = DemoFederation.fixture();
    List<MemberDraft> drafts = new ArrayList<>();
    demo.getJsonArray("facilities").forEach(f -> drafts.add(validator.validate(MemberKind.FACILITY,
        ((JsonObject) f).copy())));
    demo.getJsonArray("identityProviders").forEach(i -> {
      JsonObject idp = (JsonObject) i;
      if ("oidc".equals(idp.getString("protocol"))) {
        drafts.add(validator.validate(MemberKind.UPSTREAM_IDP, new JsonObject().put("id", idp.getString("id"))
            .put("protocol", "oidc").put("issuer", idp.getString("issuer")).put("displayName", idp.getString("description"))
            .put("trustedEntitlementAuthorities", idp.getJsonArray("trustedEntitlementAuthorities"))));
      } else if ("saml".equals(idp.getString("protocol")) && idp.getString("metadataUrl") != null) {
        // the signing certificate pinned for its feed: the one of its IdP entity in the fixture
        drafts.add(validator.validate(MemberKind.UPSTREAM_IDP, new JsonObject().put("id", idp.getString("id"))
            .put("protocol", "saml").put("metadataUrl", idp.getString("metadataUrl"))
            .put("signingCertificate", pem(DemoFederation.samlMetadata(idp.getString("entityId"))))
            .put("displayName", idp.getString("description"))
            .put("trustedEntitlementAuthorities", idp.getJsonArray("trustedEntitlementAuthorities"))));
      }
    });
    demo.getJsonArray("clients").forEach(c -> {
      JsonObject client = ((JsonObject) c).copy();
      String secret = (String) client.remove("secret");
      client.remove("facility");
      String facility = ((JsonObject) c).getString("facility");
      if (facility != null) {
        client.put("facility", facility);
      }
      MemberDraft d = validator.validate(MemberKind.OIDC_CLIENT, client);
      drafts.add(new MemberDraft(d.kind(), d.id(), d.facilityId(), d.document(),
          secret == null ? null : ClientSecrets.hash(secret), null));
    });
    demo.getJsonArray("samlEntities").forEach(e -> {
      JsonObject entity = (JsonObject) e;
      JsonObject body = new JsonObject().put("metadata", DemoFederation.samlMetadata(entity.getString("entityId")));
      if (entity.getString("facility") != null) {
        body.put("facility", entity.getString("facility"));
      }
      drafts.add(validator.validate(MemberKind.SAML_ENTITY, body));
    });
    demo.getJsonArray("clusters").forEach(c -> drafts.add(validator.validate(MemberKind.CLUSTER,
        ((JsonObject) c).copy())));
    Future<Integer> chain = Future.succeededFuture(0);
    for (MemberDraft d : drafts) {
      MemberDraft marked = new MemberDraft(d.kind(), d.id(), d.facilityId(), d.document().copy().put("demo", true),
          d.secretHash(), null);
      chain = chain.compose(n -> store.get(marked.kind(), marked.id())
          .compose(existing -> existing.isPresent() ? Future.succeededFuture(n)
              : store.create(marked, OnboardingState.APPROVED, ACTOR).map(m -> n + 1)));
    }
    return chain.onSuccess(n -> {
      if (n > 0) {
        LOG.info("demo federation registered: {} members", n);
      }
    });
  }
}
