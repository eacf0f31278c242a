package eu.panosc.keycloak.entitlement;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.AbstractIdentityProviderMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.GroupModel;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Identity-provider mapper for the aai-broker as an OIDC upstream: the user's AARC proposal entitlements (claim
 * {@code eduperson_entitlement}) become memberships of Keycloak groups {@code /<root>/<facility>/<proposal>} and, for a
 * role, its subgroup {@code /<root>/<facility>/<proposal>/<role>}; groups are created on demand, and groups under the
 * root the user no longer holds an entitlement for are left at the next login. Values that are malformed, of an
 * untrusted authority or no proposal are ignored and logged as counts (never with the value). Keycloak's
 * IdentityProviderMapper is its own Provider and ProviderFactory.
 *
 * @see ProposalEntitlement
 */
public final class EntitlementGroupMapper extends AbstractIdentityProviderMapper {
  /** The provider id (as listed in the admin console and serverinfo). */
  public static final String ID = "panosc-entitlement-group-mapper";
  public static final String CLAIM = "claim";
  public static final String TRUSTED_AUTHORITIES = "trustedAuthorities";
  public static final String COMMUNITY = "community";
  public static final String GROUP_ROOT = "groupRoot";
  public static final String NON_PROPOSALS = "nonProposalGroups";
  public static final String ROLE_SUBGROUPS = "roleSubgroups";
  private static final Logger LOG = Logger.getLogger(EntitlementGroupMapper.class);
  private static final String DELIMITER = "##";
  private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
      .property().name(CLAIM).label("Entitlement claim").type(ProviderConfigProperty.STRING_TYPE)
      .defaultValue("eduperson_entitlement")
      .helpText("The upstream claim holding the AARC entitlements (read from the access token when the identity"
          + " provider's 'Access token is JWT' is on, else the ID token, else userinfo).").add()
      .property().name(TRUSTED_AUTHORITIES).label("Trusted authorities").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
      .helpText("Entitlement authorities (the '#authority' suffix, e.g. demo.panosc.eu) whose entitlements become"
          + " groups. Entitlements of any other authority are ignored; with none listed, none is accepted.").add()
      .property().name(COMMUNITY).label("Community group").type(ProviderConfigProperty.STRING_TYPE)
      .defaultValue("panosc")
      .helpText("The first group of a proposal entitlement, e.g. 'panosc' in ...:group:panosc:<facility>:<proposal>.")
      .add()
      .property().name(GROUP_ROOT).label("Group root").type(ProviderConfigProperty.STRING_TYPE)
      .defaultValue("proposals")
      .helpText("The top-level Keycloak group under which /<facility>/<proposal> groups are created. Memberships"
          + " under it that the user's entitlements no longer name are removed at login.").add()
      .property().name(NON_PROPOSALS).label("Groups that are no proposal").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
      .defaultValue("staff")
      .helpText("Facility-level group names that are not proposals (e.g. 'staff'); such entitlements are ignored.")
      .add()
      .property().name(ROLE_SUBGROUPS).label("Role subgroups").type(ProviderConfigProperty.BOOLEAN_TYPE)
      .defaultValue("true")
      .helpText("Also put the user in the subgroup named after the entitlement's role (e.g. /proposals/ESRF/MX-1/pi).")
      .add()
      .build();

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String[] getCompatibleProviders() {
    return new String[] {"oidc", "keycloak-oidc"};
  }

  @Override
  public boolean supportsSyncMode(IdentityProviderSyncMode syncMode) {
    return true;
  }

  @Override
  public String getDisplayCategory() {
    return "Group Importer";
  }

  @Override
  public String getDisplayType() {
    return "PaNOSC proposal entitlements to groups";
  }

  @Override
  public String getHelpText() {
    return "Maps the aai-broker's AARC proposal entitlements (urn:...:group:<community>:<facility>:<proposal>"
        + "[:role=<role>]#<authority>) to groups /<root>/<facility>/<proposal>[/<role>], creating them on demand and"
        + " removing memberships the entitlements no longer name. Use sync mode 'force' so removals apply at every"
        + " login.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return CONFIG;
  }

  @Override
  public void importNewUser(KeycloakSession session, RealmModel realm, UserModel user,
      IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
    apply(session, realm, user, mapperModel, context);
  }

  @Override
  public void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user,
      IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
    apply(session, realm, user, mapperModel, context);
  }

  @Override
  public void updateBrokeredUserLegacy(KeycloakSession session, RealmModel realm, UserModel user,
      IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
    apply(session, realm, user, mapperModel, context);
  }

  private void apply(KeycloakSession session, RealmModel realm, UserModel user, IdentityProviderMapperModel model,
      BrokeredIdentityContext context) {
    Map<String, String> config = model.getConfig();
    String claim = value(config, CLAIM, "eduperson_entitlement");
    String community = value(config, COMMUNITY, "panosc");
    String root = value(config, GROUP_ROOT, "proposals");
    List<String> trusted = list(config, TRUSTED_AUTHORITIES);
    List<String> nonProposals = config.containsKey(NON_PROPOSALS) ? list(config, NON_PROPOSALS) : List.of("staff");
    boolean roles = !"false".equals(config.get(ROLE_SUBGROUPS));

    Map<ProposalEntitlement.Rejection, Integer> rejected = new EnumMap<>(ProposalEntitlement.Rejection.class);
    Set<String> wanted = new LinkedHashSet<>();
    for (Object value : values(AbstractClaimMapper.getClaimValue(context, claim))) {
      ProposalEntitlement.Result r = ProposalEntitlement.read(value, community, trusted, nonProposals);
      r.rejection().ifPresent(x -> rejected.merge(x, 1, Integer::sum));
      r.entitlement().ifPresent(e -> {
        String proposal = "/" + root + "/" + e.facility() + "/" + e.proposal();
        wanted.add(proposal);
        if (roles) {
          e.role().ifPresent(role -> wanted.add(proposal + "/" + role));
        }
      });
    }
    if (!rejected.isEmpty()) {
      LOG.warnf("ignored entitlements of user %s from identity provider %s: %s", user.getId(),
          model.getIdentityProviderAlias(), rejected);
    }
    String prefix = "/" + root + "/";
    List<GroupModel> stale = new ArrayList<>();
    Set<String> held = new LinkedHashSet<>();
    user.getGroupsStream().forEach(g -> {
      String path = KeycloakModelUtils.buildGroupPath(g);
      if (path.startsWith(prefix)) {
        if (wanted.contains(path)) {
          held.add(path);
        } else {
          stale.add(g);
        }
      }
    });
    for (GroupModel g : stale) {
      user.leaveGroup(g);
    }
    for (String path : wanted) {
      if (!held.contains(path)) {
        user.joinGroup(group(session, realm, path));
      }
    }
    LOG.debugf("user %s: %d proposal group(s), left %d", user.getId(), wanted.size(), stale.size());
  }

  /** The group at {@code path} (e.g. {@code /proposals/ESRF/MX-1}), created with its missing ancestors. */
  private static GroupModel group(KeycloakSession session, RealmModel realm, String path) {
    GroupModel parent = null;
    StringBuilder at = new StringBuilder();
    for (String name : path.substring(1).split("/")) {
      at.append('/').append(name);
      GroupModel existing = KeycloakModelUtils.findGroupByPath(session, realm, at.toString());
      parent = existing != null ? existing : session.groups().createGroup(realm, name, parent);
    }
    return parent;
  }

  /** A claim's values: a JSON array or a collection of them, or one value; anything else is one malformed value. */
  static List<Object> values(Object claim) {
    List<Object> out = new ArrayList<>();
    if (claim == null) {
      return out;
    }
    if (claim instanceof JsonNode node) {
      if (node.isArray()) {
        node.forEach(n -> out.add(n.isTextual() ? n.textValue() : n));
      } else {
        out.add(node.isTextual() ? node.textValue() : node);
      }
    } else if (claim instanceof Collection<?> c) {
      out.addAll(c);
    } else {
      out.add(claim);
    }
    return out;
  }

  private static String value(Map<String, String> config, String key, String fallback) {
    String v = config.get(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static List<String> list(Map<String, String> config, String key) {
    String v = config.get(key);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : v.split(DELIMITER)) {
      Optional.of(s.trim()).filter(x -> !x.isEmpty()).ifPresent(out::add);
    }
    return out;
  }
}
